package dev.tenantry.agent.metrics;

import dev.tenantry.agent.driver.Driver;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.LatencyHistogram;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.TrafficStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Each instance of the cell as Prometheus sees it, collected when scraped: its requests, 5xx answers and latencies as
 * the gateway counted them (labels {@code tenant instance service plan release cell}), and per replica (with
 * {@code replica}, e.g. {@code web-0}) its CPU seconds, resident memory, restarts, and whether it is up and ready.
 * Cardinality: one series per instance for each traffic metric (and one per latency bound), one per replica
 * for each replica metric; the release label changes with an upgrade (its counters start again, as the gateway's do).
 */
public final class CellMetrics implements MultiCollector {
    /** Latency bucket bounds in seconds: each of the gateway's finer buckets counts in the first bound at or above its own. */
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Double.POSITIVE_INFINITY};

    private final String cell;
    private final Supplier<List<Driver.Running>> instances;
    private final Function<String, InstanceTraffic> traffic;

    public CellMetrics(String cell, Supplier<List<Driver.Running>> instances, Function<String, InstanceTraffic> traffic) {
        this.cell = cell;
        this.instances = instances;
        this.traffic = traffic;
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name("tenantry_instance_requests")
                .help("Requests the gateway routed to the instance while its route served this release");
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("tenantry_instance_errors")
                .help("Of those, the ones answered with a 5xx (by the instance, or by the gateway for it)");
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("tenantry_instance_request_duration_seconds").unit(Unit.SECONDS)
                .help("Time from the gateway receiving a request to its answer");
        CounterSnapshot.Builder cpu = CounterSnapshot.builder().name("tenantry_replica_cpu_seconds").unit(Unit.SECONDS)
                .help("CPU time of the replica's processes (its own, its children's and live descendants')");
        GaugeSnapshot.Builder memory = GaugeSnapshot.builder().name("tenantry_replica_resident_memory_bytes").unit(Unit.BYTES)
                .help("Resident memory of the replica's processes, summed");
        GaugeSnapshot.Builder restarts = GaugeSnapshot.builder().name("tenantry_replica_restarts")
                .help("Times the agent restarted the replica since it started supervising it");
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("tenantry_replica_up").help("1 while the replica's process runs");
        GaugeSnapshot.Builder ready = GaugeSnapshot.builder().name("tenantry_replica_ready").help("1 while the replica passes its health check");
        ProcessUsage.Table processes = ProcessUsage.Table.read();
        for (Driver.Running running : instances.get()) {
            Deployment d = running.deployment();
            InstanceTraffic seen = traffic.apply(d.instanceUid());
            TrafficStats stats = seen == null ? null : seen.stats();
            String release = stats != null ? stats.release() : d.release();
            Labels labels = Labels.of("tenant", d.tenant(), "instance", d.instance(), "service", d.service(), "plan", text(d.plan()),
                    "release", release, "cell", cell);
            if (d.ingress() != null) {
                long count = stats == null ? 0 : stats.requests();
                requests.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(count).build());
                errors.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(stats == null ? 0 : stats.errors()).build());
                latency.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels)
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, perBound(stats == null ? List.of() : stats.latencyBuckets())))
                        .sum(stats == null ? 0 : stats.latencySeconds()).build());
            }
            for (ObservedReplica r : running.observed().replicas()) {
                if (r.standby()) continue;
                Labels replica = labels.add("replica", r.component() + "-" + r.index());
                ProcessUsage usage = r.pid() == null ? ProcessUsage.NONE : processes.usage(r.pid());
                cpu.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(replica).value(usage.cpuSeconds()).build());
                memory.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(replica).value(usage.residentBytes()).build());
                restarts.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(replica).value(r.restarts()).build());
                up.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(replica).value(r.pid() != null ? 1 : 0).build());
                ready.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(replica).value(r.healthy() ? 1 : 0).build());
            }
        }
        return MetricSnapshots.of(requests.build(), errors.build(), latency.build(), cpu.build(), memory.build(), restarts.build(), up.build(),
                ready.build());
    }

    /** The gateway's buckets (upper bounds 2^(i/4) ms) as counts per bucket of {@link #BOUNDS} (the writer adds them up). */
    static long[] perBound(List<Long> fine) {
        long[] counts = new long[BOUNDS.length];
        for (int i = 0; i < fine.size(); i++) {
            double upperSeconds = i == LatencyHistogram.BUCKETS - 1 ? Double.POSITIVE_INFINITY : LatencyHistogram.upperBoundMillis(i) / 1000;
            int at = 0;
            while (BOUNDS[at] < upperSeconds) at++;
            counts[at] += fine.get(i);
        }
        return counts;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
