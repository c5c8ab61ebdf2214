-- Streams that start at a time (GET /v1/events?since=10m) find their place by it.
create index events_time on events (time);
