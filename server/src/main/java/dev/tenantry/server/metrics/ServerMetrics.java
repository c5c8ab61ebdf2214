package dev.tenantry.server.metrics;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.tenantry.server.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server's metrics in Prometheus's text format ({@code GET /metrics}): API requests by method, route (its
 * template, so that the series are bounded) and status, as a histogram of durations; the fleet's state as the
 * database holds it, read when scraped ({@link FleetMetrics}); the control plane's connection pool; the JVM. In dev mode
 * the agent's per-instance metrics are registered here too.
 */
public final class ServerMetrics {
    /** Bucket bounds of the API's request durations. */
    private static final Duration[] API_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public ServerMetrics(Store store, HikariPoolMXBean pool) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        poolGauge("active", pool, HikariPoolMXBean::getActiveConnections);
        poolGauge("idle", pool, HikariPoolMXBean::getIdleConnections);
        poolGauge("pending", pool, HikariPoolMXBean::getThreadsAwaitingConnection);
        poolGauge("total", pool, HikariPoolMXBean::getTotalConnections);
        registry.getPrometheusRegistry().register(new FleetMetrics(store));
    }

    private void poolGauge(String state, HikariPoolMXBean pool, java.util.function.ToIntFunction<HikariPoolMXBean> value) {
        Gauge.builder("tenantry.db.pool.connections", pool, p -> value.applyAsInt(p)).tag("state", state)
                .description("The control plane's database connections: in use (active), open and free (idle), open (total),"
                        + " and threads waiting for one (pending)").register(registry);
    }

    /** One API request: its method, route template ({@code /v1/tenants/{tenant}}, or "unmatched"), status and duration. */
    public void recordRequest(String method, String route, int status, long nanos) {
        Timer.builder("tenantry.api.requests").description("API requests by method, route and status")
                .tags("method", method, "route", route, "status", String.valueOf(status))
                .serviceLevelObjectives(API_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Adds metrics collected elsewhere in this process (dev mode's agent) to the same scrape. */
    public void register(MultiCollector collector) {
        registry.getPrometheusRegistry().register(collector);
    }

    public String contentType() {
        return io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /** Everything, in Prometheus's text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }
}
