-- When an event said that a certificate is close to expiry without a renewal (once per certificate).
alter table certificates add column expiry_warned_at timestamptz;
