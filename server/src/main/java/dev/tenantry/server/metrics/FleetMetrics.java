package dev.tenantry.server.metrics;

import dev.tenantry.server.store.FleetCounts;
import dev.tenantry.server.store.Store;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The fleet as the control plane's database holds it, read in one transaction when scraped (so every server replica
 * shows the same figures): each reconcile queue's due items and how late the oldest is, operations by type and state,
 * rollouts by state, and how long ago each cell's agent last reported.
 */
final class FleetMetrics implements MultiCollector {
    private final Store store;

    FleetMetrics(Store store) {
        this.store = store;
    }

    @Override
    public MetricSnapshots collect() {
        FleetCounts counts = store.tx(tx -> tx.fleetCounts().read());
        GaugeSnapshot.Builder due = GaugeSnapshot.builder().name("tenantry_reconcile_queue_due")
                .help("Items of a reconcile queue whose pass is due now (instances, rollouts, databases, backups)");
        GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("tenantry_reconcile_queue_lag_seconds").unit(Unit.SECONDS)
                .help("How long the oldest due item of a reconcile queue has waited past its time");
        counts.queues().forEach(q -> {
            due.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue", q.name())).value(q.due()).build());
            lag.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue", q.name())).value(q.lagSeconds()).build());
        });
        GaugeSnapshot.Builder operations = GaugeSnapshot.builder().name("tenantry_operations")
                .help("Operations on record by type and state");
        counts.operations().forEach(o -> operations.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("type", o.type(), "state", o.state())).value(o.count()).build()));
        GaugeSnapshot.Builder rollouts = GaugeSnapshot.builder().name("tenantry_rollouts").help("Rollouts on record by state (every state, 0 when none)");
        counts.rollouts().forEach((state, n) -> rollouts.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("state", state)).value(n).build()));
        GaugeSnapshot.Builder reportAge = GaugeSnapshot.builder().name("tenantry_cell_report_age_seconds").unit(Unit.SECONDS)
                .help("Time since the cell's agent last reported (absent: never)");
        counts.cellReportAges().forEach((cell, seconds) -> reportAge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("cell", cell)).value(seconds).build()));
        return MetricSnapshots.of(due.build(), lag.build(), operations.build(), rollouts.build(), reportAge.build());
    }
}
