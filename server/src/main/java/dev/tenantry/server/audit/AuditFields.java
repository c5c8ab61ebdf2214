package dev.tenantry.server.audit;

import java.time.Instant;

/** What an audit record's hash covers: its place in the chain and what it says. */
public record AuditFields(long seq, Instant time, String actor, String action, String target, String tenant, String result,
                          String detail) {}
