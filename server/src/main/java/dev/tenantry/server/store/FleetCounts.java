package dev.tenantry.server.store;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** Counts of the fleet for metrics: reconcile queues, operations, rollouts, cells' last reports. */
public record FleetCounts(List<Queue> queues, List<Operations> operations, Map<String, Long> rollouts, Map<String, Double> cellReportAges) {
    public record Queue(String name, long due, double lagSeconds) {}

    public record Operations(String type, String state, long count) {}

    /** Reads them (five queries). */
    public static final class Reader {
        private final Handle h;

        Reader(Handle h) {
            this.h = h;
        }

        public FleetCounts read() {
            List<Queue> queues = new java.util.ArrayList<>();
            for (Leases.Table table : Leases.Table.values()) {
                queues.add(h.createQuery("select count(*) as due, coalesce(extract(epoch from now() - min(reconcile_at)), 0) as lag from "
                                + table.name + " where reconcile_at <= now()")
                        .map((rs, c) -> new Queue(table.queue, rs.getLong("due"), Math.max(0, rs.getDouble("lag")))).one());
            }
            List<Operations> operations = h.createQuery("select type, state, count(*) as n from operations group by type, state order by type, state")
                    .map((rs, c) -> new Operations(rs.getString("type"), rs.getString("state"), rs.getLong("n"))).list();
            Map<String, Long> rollouts = new TreeMap<>();
            // every state, 0 where there is none, so that a query of a state always finds its series
            for (dev.tenantry.api.model.Rollout.State state : dev.tenantry.api.model.Rollout.State.values()) rollouts.put(state.name(), 0L);
            h.createQuery("select state, count(*) as n from rollouts group by state")
                    .map((rs, c) -> Map.entry(rs.getString("state"), rs.getLong("n"))).forEach(e -> rollouts.put(e.getKey(), e.getValue()));
            Map<String, Double> ages = new TreeMap<>();
            h.createQuery("select id, extract(epoch from now() - last_seen) as age from cells where last_seen is not null")
                    .map((rs, c) -> Map.entry(rs.getString("id"), Math.max(0, rs.getDouble("age")))).forEach(e -> ages.put(e.getKey(), e.getValue()));
            return new FleetCounts(queues, operations, rollouts, ages);
        }
    }
}
