-- Every release an instance has been moved to: at creation, by an upgrade, by a rollback.
create table instance_releases (
    instance_uid text not null references instances (uid),
    seq          int not null,
    release      text not null,
    from_release text,
    operation    text,
    actor        text not null,
    at           timestamptz not null,
    primary key (instance_uid, seq)
);
-- instances created before the history was kept start it with the release they run now
insert into instance_releases (instance_uid, seq, release, from_release, operation, actor, at)
select uid, 0, spec ->> 'release', null, null, 'system (release history started)', created_at from instances;
