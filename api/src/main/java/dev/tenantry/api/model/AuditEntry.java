package dev.tenantry.api.model;

import java.time.Instant;

/** Who did what to which object, and how it ended. Actor "system" marks reconciler actions. */
public record AuditEntry(long id, Instant time, String actor, String action, String target, String tenant,
                         String result, String detail) {}
