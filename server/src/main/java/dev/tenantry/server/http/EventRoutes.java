package dev.tenantry.server.http;

import dev.tenantry.api.Backoff;
import dev.tenantry.api.Json;
import dev.tenantry.api.model.Event;
import dev.tenantry.server.domain.EventService;
import dev.tenantry.server.domain.Principal;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /v1/events}: a server-sent-events stream of events, filterable by {@code tenant} and
 * {@code instance}; resumes after {@code Last-Event-ID} (or {@code ?after=}), else starts with new events. How many a
 * server holds open at once is limited by {@link StreamSlots}.
 */
final class EventRoutes {
    private static final Duration POLL = Duration.ofSeconds(15);
    private static final String SINCE_ID = "tenantry.events.sinceId";
    private static final String SLOT = "tenantry.events.slot";
    private static final String TYPES = "tenantry.events.types";
    private final EventService events;
    private final StreamSlots slots;

    EventRoutes(EventService events, StreamSlots slots) {
        this.events = events;
        this.slots = slots;
    }

    void register(Routes routes) {
        SseHandler sse = new SseHandler(this::stream);
        routes.get("/v1/events", Access.MEMBER_VIEWER, ctx -> {
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                throw new ProblemException(406, "not-acceptable", "this is a server-sent-events stream: send 'Accept: text/event-stream'", null);
            }
            // checked before the stream begins, so that a bad type is a 400 rather than an event on a stream
            ctx.attribute(TYPES, dev.tenantry.server.domain.EventTypes.fromQuery(ctx.queryParams("type")));
            dev.tenantry.server.domain.EventTypes.requireValid("type", ctx.attribute(TYPES));
            java.time.Instant since = Http.since(ctx.queryParam("since"));
            if (since != null) ctx.attribute(SINCE_ID, events.lastIdBefore(since));
            // held until the stream ends: the stream runs asynchronously, after this handler has returned
            StreamSlots.Slot slot = slots.take(Http.principal(ctx));
            ctx.attribute(SLOT, slot);
            try {
                sse.handle(ctx);
            } catch (RuntimeException | Error e) {
                slot.close();
                throw e;
            }
        });
    }

    private void stream(SseClient client) {
        StreamSlots.Slot slot = client.ctx().attribute(SLOT);
        try {
            streamEvents(client);
        } finally {
            if (slot != null) slot.close();
        }
    }

    private void streamEvents(SseClient client) {
        var ctx = client.ctx();
        Principal who = Http.principal(ctx);
        String tenant = ctx.queryParam("tenant");
        String instance = ctx.queryParam("instance");
        if (instance != null && tenant == null) {
            client.sendEvent("error", "{\"detail\":\"instance filter needs tenant\"}");
            return;
        }
        String subject = instance == null ? null : "tenants/" + tenant + "/" + instance;
        String lastEventId = ctx.header("Last-Event-ID");
        Long sinceId = ctx.attribute(SINCE_ID);
        long after = lastEventId != null && lastEventId.matches("[0-9]{1,18}") ? Long.parseLong(lastEventId)
                : sinceId != null ? sinceId : Http.longParam(ctx, "after", events.lastId());
        EventService.Feed feed = events.follow(who, after, tenant, subject, ctx.attribute(TYPES));
        client.sendComment("connected");
        try {
            pump(() -> feed.next(POLL), new Sink() {
                @Override
                public boolean gone() {
                    return client.terminated();
                }

                @Override
                public void events(List<Event> batch) {
                    send(client, frames(batch));
                }

                @Override
                public void comment(String text) {
                    client.sendComment(text);
                }
            }, Thread::sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface Batches {
        List<Event> next() throws InterruptedException;
    }

    interface Pause {
        void sleep(long millis) throws InterruptedException;
    }

    /** Where a stream's events and comments go: the client's connection. */
    interface Sink {
        boolean gone();

        /** One batch of events, sent together. */
        void events(List<Event> batch);

        void comment(String text);
    }

    /**
     * Sends the events {@code batches} gives until the client goes. While the database is out of reach or every
     * connection is busy (a burst of writes), the stream says so in a comment and asks again after a pause that
     * doubles up to 5 s, from where it was: the client loses no event and need not reconnect.
     */
    static void pump(Batches batches, Sink client, Pause pause) throws InterruptedException {
        int failures = 0;
        while (!client.gone()) {
            List<Event> batch;
            try {
                batch = batches.next();
            } catch (RuntimeException e) {
                if (!DatabaseFailures.unavailable(e)) throw e;
                client.comment("the database is unavailable; retrying");
                pause.sleep(retryDelay(++failures).toMillis());
                continue;
            }
            failures = 0;
            if (batch.isEmpty()) client.comment("keep-alive");
            else client.events(batch);
        }
    }

    /**
     * A batch of events as server-sent-event frames ({@code id}, {@code event}, one {@code data} line: the JSON has no
     * line breaks), written and flushed at once: Javalin's {@code sendEvent} flushes each event and reads its data through
     * a reader and buffers of its own, some 24 KB for every event to every stream.
     */
    static byte[] frames(List<Event> batch) {
        StringBuilder frames = new StringBuilder(batch.size() * 512);
        for (Event e : batch) {
            frames.append("id: ").append(e.id()).append("\nevent: ").append(e.type()).append("\ndata: ").append(Json.write(e)).append("\n\n");
        }
        return frames.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Writes to the stream's connection; a client that went away ends the stream (as Javalin's own sending does). */
    private static void send(SseClient client, byte[] frames) {
        try {
            var out = client.ctx().res().getOutputStream();
            out.write(frames);
            out.flush();
        } catch (java.io.IOException gone) {
            client.close();
        }
    }

    private static final Backoff RETRY = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));

    /** The pause after {@code failures} failed reads in a row: 250 ms, doubling, at most 5 s. */
    static Duration retryDelay(int failures) {
        return RETRY.after(failures);
    }
}
