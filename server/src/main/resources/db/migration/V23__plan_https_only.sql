-- A plan may have the gateway redirect plain HTTP requests for its instances to HTTPS.
alter table plans add column https_only boolean not null default false;
