package dev.tenantry.api.blueprint;

/**
 * How the agent decides that a replica is healthy: an HTTP GET answering 2xx/3xx, or a TCP connect.
 * A replica is healthy after its first passing check and unhealthy after {@code failureThreshold}
 * failing checks in a row. A replica not healthy within {@code startupTimeoutSeconds} of its start is stopped
 * and counts as a failed start (three in a row fail the replica).
 */
public record HealthCheck(Type type, String port, String path, Integer intervalMillis, Integer timeoutMillis,
                          Integer failureThreshold, Integer startupTimeoutSeconds) {
    public HealthCheck(Type type, String port, String path, Integer intervalMillis, Integer timeoutMillis, Integer failureThreshold) {
        this(type, port, path, intervalMillis, timeoutMillis, failureThreshold, null);
    }

    public enum Type { http, tcp }

    public int intervalOrDefault() { return intervalMillis == null ? 1000 : intervalMillis; }
    public int timeoutOrDefault() { return timeoutMillis == null ? 1000 : timeoutMillis; }
    public int failureThresholdOrDefault() { return failureThreshold == null ? 3 : failureThreshold; }
    public String pathOrDefault() { return path == null ? "/" : path; }
    public int startupTimeoutOrDefault() { return startupTimeoutSeconds == null ? 60 : startupTimeoutSeconds; }
}
