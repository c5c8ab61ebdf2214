-- Instances on a plan with hibernate_after_seconds hibernate after that long without a request (null: never).
alter table plans add column hibernate_after_seconds int;
