package dev.tenantry.server.store;

import dev.tenantry.api.cell.UsageReport;
import dev.tenantry.api.model.CostModel;
import dev.tenantry.api.model.UnitPrices;
import dev.tenantry.api.model.Usage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Usage per instance and hour as agents report it, the gaps in it, and the prices and costs it is valued at. */
public final class UsageRepository {
    private final Handle h;

    UsageRepository(Handle h) {
        this.h = h;
    }

    /** Takes the report's receipt; false when it was counted before. */
    public boolean receive(String cell, UsageReport report) {
        return h.createUpdate("insert into usage_receipts (cell, meter_id, seq) values (:c, :m, :s) on conflict do nothing")
                .bind("c", cell).bind("m", report.meterId()).bind("s", report.seq()).execute() == 1;
    }

    /**
     * Where the meter's reports ended so far; for a meter new to the cell, where any of the cell's meters' reports ended
     * (the latest); empty for a cell that never reported.
     */
    public Optional<Instant> lastMeasured(String cell, String meterId) {
        Optional<Instant> own = h.createQuery("select last_to from usage_meters where cell = :c and meter_id = :m").bind("c", cell).bind("m", meterId)
                .mapTo(Instant.class).findOne();
        if (own.isPresent()) return own;
        return h.createQuery("select max(last_to) from usage_meters where cell = :c").bind("c", cell).mapTo(Instant.class).findOne()
                .filter(java.util.Objects::nonNull);
    }

    public void measuredUntil(String cell, String meterId, Instant to) {
        h.createUpdate("insert into usage_meters (cell, meter_id, last_to) values (:c, :m, :to)"
                        + " on conflict (cell, meter_id) do update set last_to = greatest(usage_meters.last_to, excluded.last_to)")
                .bind("c", cell).bind("m", meterId).bind("to", to).execute();
    }

    public void gap(String cell, Instant from, Instant to, String kind, String detail) {
        h.createUpdate("insert into usage_gaps (cell, from_time, to_time, kind, detail) values (:c, :f, :t, :k, :d)")
                .bind("c", cell).bind("f", from).bind("t", to).bind("k", kind).bind("d", detail).execute();
    }

    public List<Usage.Gap> gaps(Instant from, Instant to) {
        return h.createQuery("select * from usage_gaps where to_time > :from and from_time < :to order by from_time")
                .bind("from", from).bind("to", to)
                .map((rs, c) -> new Usage.Gap(rs.getString("cell"), JsonColumns.instant(rs, "from_time"), JsonColumns.instant(rs, "to_time"),
                        rs.getString("kind"), rs.getString("detail")))
                .list();
    }

    /**
     * Adds the report's figures to its instances' hours, each share in proportion to the time of the hour it covers;
     * only for instances placed on {@code cell} (an agent cannot bill another cell's instances).
     */
    public void add(String cell, UsageReport report) {
        double total = Duration.between(report.from(), report.to()).toNanos();
        if (total <= 0) return;
        PreparedBatch batch = h.prepareBatch("insert into usage_hours (instance_uid, hour, tenant, instance, service, plan, cell, running_seconds,"
                + " cpu_seconds, memory_gb_seconds, requests, bytes_in, bytes_out, storage_gb_seconds)"
                + " select i.uid, :hour, i.tenant, i.name, i.spec->>'service', i.spec->>'plan', :cell, :run, :cpu, :mem, :req, :in, :out, :sto"
                + " from instances i where i.uid = :uid and i.cell = :cell"
                + " on conflict (instance_uid, hour, plan, cell) do update set running_seconds = usage_hours.running_seconds + excluded.running_seconds,"
                + " cpu_seconds = usage_hours.cpu_seconds + excluded.cpu_seconds, memory_gb_seconds = usage_hours.memory_gb_seconds + excluded.memory_gb_seconds,"
                + " requests = usage_hours.requests + excluded.requests, bytes_in = usage_hours.bytes_in + excluded.bytes_in,"
                + " bytes_out = usage_hours.bytes_out + excluded.bytes_out, storage_gb_seconds = usage_hours.storage_gb_seconds + excluded.storage_gb_seconds");
        Instant hour = report.from().truncatedTo(ChronoUnit.HOURS);
        while (hour.isBefore(report.to())) {
            Instant next = hour.plus(1, ChronoUnit.HOURS);
            Instant start = hour.isAfter(report.from()) ? hour : report.from();
            Instant end = next.isBefore(report.to()) ? next : report.to();
            double share = Duration.between(start, end).toNanos() / total;
            for (UsageReport.InstanceUsage u : report.instances()) {
                batch.bind("uid", u.instanceUid()).bind("hour", hour).bind("cell", cell).bind("run", u.runningSeconds() * share)
                        .bind("cpu", u.cpuSeconds() * share).bind("mem", u.memoryGbSeconds() * share).bind("req", u.requests() * share)
                        .bind("in", u.bytesIn() * share).bind("out", u.bytesOut() * share).bind("sto", u.storageGbSeconds() * share).add();
            }
            hour = next;
        }
        if (batch.size() > 0) batch.execute();
    }

    /** One row of usage grouped by {@code keys} and by service, plan and cell (what prices and costs depend on). */
    public record Sum(Map<String, String> keys, String service, String plan, String cell, double runningSeconds, double cpuSeconds,
                      double memoryGbSeconds, double storageGbSeconds, double requests, double bytesIn, double bytesOut) {}

    /** Sums from {@code from} to {@code to} (hours), of one tenant or all, grouped by the columns named in {@code keys} (key name → SQL). */
    public List<Sum> sums(Instant from, Instant to, String tenant, Map<String, String> keys) {
        StringBuilder select = new StringBuilder();
        StringBuilder group = new StringBuilder("service, plan, cell");
        keys.forEach((name, sql) -> {
            select.append(sql).append(" as \"").append(name).append("\", ");
            group.append(", ").append(sql);
        });
        return h.createQuery("select " + select + "service, plan, cell, sum(running_seconds) as run, sum(cpu_seconds) as cpu,"
                        + " sum(memory_gb_seconds) as mem, sum(storage_gb_seconds) as sto, sum(requests) as req, sum(bytes_in) as bin,"
                        + " sum(bytes_out) as bout from usage_hours where hour >= :from and hour < :to and (:tenant::text is null or tenant = :tenant)"
                        + " group by " + group + " order by " + group)
                .bind("from", from).bind("to", to).bind("tenant", tenant)
                .map((rs, c) -> {
                    Map<String, String> values = new java.util.LinkedHashMap<>();
                    for (String name : keys.keySet()) values.put(name, rs.getString(name));
                    return new Sum(values, rs.getString("service"), rs.getString("plan"), rs.getString("cell"), rs.getDouble("run"),
                            rs.getDouble("cpu"), rs.getDouble("mem"), rs.getDouble("sto"), rs.getDouble("req"), rs.getDouble("bin"), rs.getDouble("bout"));
                })
                .list();
    }

    /** A database's size when last measured: when, and how many bytes. */
    public record DatabaseSize(Instant at, long bytes) {}

    public Optional<DatabaseSize> databaseSize(String instanceUid) {
        return h.createQuery("select measured_at, bytes from database_sizes where instance_uid = :u").bind("u", instanceUid)
                .map((rs, c) -> new DatabaseSize(JsonColumns.instant(rs, "measured_at"), rs.getLong("bytes"))).findOne();
    }

    public void putDatabaseSize(String instanceUid, DatabaseSize size) {
        h.createUpdate("insert into database_sizes (instance_uid, measured_at, bytes) values (:u, :at, :b)"
                        + " on conflict (instance_uid) do update set measured_at = excluded.measured_at, bytes = excluded.bytes")
                .bind("u", instanceUid).bind("at", size.at()).bind("b", size.bytes()).execute();
    }

    public void putCost(String cell, CostModel m) {
        h.createUpdate("insert into cell_costs (cell, per_core_hour, per_gb_hour_memory, per_gb_hour_storage) values (:c, :cpu, :mem, :sto)"
                        + " on conflict (cell) do update set per_core_hour = excluded.per_core_hour, per_gb_hour_memory = excluded.per_gb_hour_memory,"
                        + " per_gb_hour_storage = excluded.per_gb_hour_storage")
                .bind("c", cell).bind("cpu", m.perCoreHour()).bind("mem", m.perGbHourMemory()).bind("sto", m.perGbHourStorage()).execute();
    }

    public Map<String, CostModel> costs() {
        Map<String, CostModel> costs = new HashMap<>();
        h.createQuery("select * from cell_costs").map((rs, c) -> Map.entry(rs.getString("cell"), new CostModel(rs.getBigDecimal("per_core_hour"),
                rs.getBigDecimal("per_gb_hour_memory"), rs.getBigDecimal("per_gb_hour_storage")))).forEach(e -> costs.put(e.getKey(), e.getValue()));
        return costs;
    }

    public void putUnitPrices(String service, String plan, UnitPrices p) {
        h.createUpdate("insert into unit_prices (service, plan, per_million_requests, per_gb_out) values (:s, :p, :req, :out)"
                        + " on conflict (service, plan) do update set per_million_requests = excluded.per_million_requests, per_gb_out = excluded.per_gb_out")
                .bind("s", service).bind("p", plan).bind("req", p.perMillionRequests()).bind("out", p.perGbOut()).execute();
    }

    /** Unit prices by "service/plan". */
    public Map<String, UnitPrices> unitPrices() {
        Map<String, UnitPrices> prices = new HashMap<>();
        h.createQuery("select * from unit_prices").map((rs, c) -> Map.entry(rs.getString("service") + "/" + rs.getString("plan"),
                new UnitPrices(rs.getBigDecimal("per_million_requests"), rs.getBigDecimal("per_gb_out")))).forEach(e -> prices.put(e.getKey(), e.getValue()));
        return prices;
    }
}
