package dev.tenantry.api.model;

import java.time.Instant;

/** Kubernetes-style condition: e.g. type Ready, status False, reason HealthCheckFailing. */
public record Condition(String type, Status status, String reason, String message, Instant since) {
    public enum Status { True, False, Unknown }
}
