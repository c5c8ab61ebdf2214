package dev.tenantry.server.logging;

import org.slf4j.MDC;

/**
 * The tenant and instance a thread works for, as fields of its log lines (the MDC: JSON logs show them); set for an
 * API request and for a reconcile pass, and removed when it ends.
 */
public final class LogContext implements AutoCloseable {
    public static final String TENANT = "tenant";
    public static final String INSTANCE = "instance";

    private LogContext() {}

    /** Sets the fields that are not null until {@link #close}. */
    public static LogContext of(String tenant, String instance) {
        if (tenant != null) MDC.put(TENANT, tenant);
        if (instance != null) MDC.put(INSTANCE, instance);
        return new LogContext();
    }

    public static void clear() {
        MDC.remove(TENANT);
        MDC.remove(INSTANCE);
    }

    @Override
    public void close() {
        clear();
    }
}
