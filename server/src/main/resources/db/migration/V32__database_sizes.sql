-- Each tenant database's size when last measured, for its storage GB-hours between two measurements.
create table database_sizes (
    instance_uid text primary key,
    measured_at  timestamptz not null,
    bytes        bigint not null
);
