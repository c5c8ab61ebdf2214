-- Webhook subscriptions: each follows the event outbox with its own cursor (after_event), delivered in order by the
-- worker that holds its lease; the secret is sealed like a secret value.
create table webhooks (
    id                  text primary key,
    url                 text not null,
    types               jsonb not null,
    tenant              text,
    format              text not null,
    secret              bytea not null,
    after_event         bigint not null,
    created_by          text not null,
    created_at          timestamptz not null default now(),
    delivered           bigint not null default 0,
    last_delivered_at   timestamptz,
    last_error          text,
    reconcile_at        timestamptz,
    reconcile_requested boolean not null default false,
    reconcile_failures  int not null default 0,
    lease_owner         text,
    lease_until         timestamptz
);
create index webhooks_due on webhooks (reconcile_at) where reconcile_at is not null;

-- Every try, successful or not; the newest are kept per subscription.
create table webhook_deliveries (
    id           bigserial primary key,
    webhook_id   text not null references webhooks (id) on delete cascade,
    event_id     bigint,
    message_id   text not null,
    type         text not null,
    attempt      int not null,
    outcome      text not null,
    http_status  int,
    error        text,
    duration_ms  bigint not null,
    at           timestamptz not null default now()
);
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, id desc);
