-- Each run of a rollout's analysis gate: its verdict, why, and the figures it compared.
create table rollout_gates (
    rollout_id text not null references rollouts (id) on delete cascade,
    seq        int not null,
    wave       int not null,
    verdict    text not null,
    reason     text not null,
    upgraded   jsonb,
    baseline   jsonb,
    at         timestamptz not null,
    primary key (rollout_id, seq)
);
