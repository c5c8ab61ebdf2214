package dev.tenantry.agent.usage;

import dev.tenantry.api.cell.TrafficStats;
import dev.tenantry.api.cell.UsageReport;
import dev.tenantry.api.cell.UsageReport.InstanceUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The decision of usage metering, without I/O: from the previous marks and what runs now, the next report. Time,
 * memory and storage are integrated with the trapezoid rule between two samples (an instance that stopped halfway
 * counts half the interval); CPU is the growth of each replica process's counter (a new process counts from zero);
 * requests and bytes are the growth of the gateway's counters, or all of them when the gateway counts afresh (a new
 * release, a restarted gateway).
 */
public final class UsageMeter {
    /** At most this many reports wait for the server (a week of minutes); older ones are dropped, and the server sees the gap. */
    public static final int MAX_PENDING = 10_080;
    private static final double GB = 1e9;

    private UsageMeter() {}

    /**
     * What runs of one instance now: whether a replica serves it ({@code alive}; a warm standby alone does not), every
     * replica process's CPU seconds by pid and their resident bytes (standbys' too), its gateway counters, its data
     * directory's bytes.
     */
    public record Observation(String instanceUid, boolean alive, Map<Long, Double> cpuByPid, long residentBytes, TrafficStats traffic,
                              long storageBytes) {}

    /** An instance as last sampled. */
    public record Mark(boolean alive, Map<Long, Double> cpuByPid, long residentBytes, String trafficRelease, Instant trafficSince, long requests,
                       long bytesIn, long bytesOut, long storageBytes) {}

    /**
     * The meter's state, kept on disk in one file with the reports not yet accepted by the server, so that a report is
     * never made twice from the same interval: {@code lastAt} null means no sample yet (the next one only marks).
     */
    public record State(String meterId, long nextSeq, Instant lastAt, Map<String, Mark> marks, List<UsageReport> pending) {
        public State {
            marks = marks == null ? Map.of() : Map.copyOf(marks);
            pending = pending == null ? List.of() : List.copyOf(pending);
        }

        public static State fresh() {
            return new State("meter-" + UUID.randomUUID(), 1, null, Map.of(), List.of());
        }

        public State withoutFirst(int accepted) {
            return new State(meterId, nextSeq, lastAt, marks, pending.subList(Math.min(accepted, pending.size()), pending.size()));
        }
    }

    /**
     * The state after a sample at {@code now}: new marks and, unless it is the first sample, a report of the interval
     * since the last one. {@code resumed}: this agent process started since the last sample (the report says its figures
     * for the interval are partly estimated).
     */
    public static State sample(State state, Instant now, List<Observation> observed, boolean resumed) {
        Map<String, Mark> marks = new HashMap<>();
        for (Observation o : observed) marks.put(o.instanceUid(), mark(o));
        if (state.lastAt() == null || !now.isAfter(state.lastAt())) {
            return new State(state.meterId(), state.nextSeq(), now, marks, state.pending());
        }
        double dt = Duration.between(state.lastAt(), now).toNanos() / 1e9;
        List<InstanceUsage> usage = new ArrayList<>();
        for (Observation o : observed) {
            InstanceUsage u = between(o.instanceUid(), state.marks().get(o.instanceUid()), marks.get(o.instanceUid()), dt);
            if (u != null) usage.add(u);
        }
        for (var gone : state.marks().entrySet()) {
            if (marks.containsKey(gone.getKey())) continue;
            InstanceUsage u = between(gone.getKey(), gone.getValue(), null, dt);
            if (u != null) usage.add(u);
        }
        List<UsageReport> pending = new ArrayList<>(state.pending());
        pending.add(new UsageReport(state.meterId(), state.nextSeq(), state.lastAt(), now, resumed, usage));
        while (pending.size() > MAX_PENDING) pending.removeFirst();
        return new State(state.meterId(), state.nextSeq() + 1, now, marks, pending);
    }

    private static Mark mark(Observation o) {
        TrafficStats t = o.traffic();
        return new Mark(o.alive(), Map.copyOf(o.cpuByPid()), o.residentBytes(), t == null ? null : t.release(), t == null ? null : t.since(),
                t == null ? 0 : t.requests(), t == null ? 0 : t.bytesIn(), t == null ? 0 : t.bytesOut(), o.storageBytes());
    }

    /** One instance's use between two marks ({@code before} null: new in the interval; {@code after} null: gone); null when none. */
    static InstanceUsage between(String uid, Mark before, Mark after, double dt) {
        double aliveBefore = before != null && before.alive() ? 1 : 0;
        double aliveAfter = after != null && after.alive() ? 1 : 0;
        double running = dt * (aliveBefore + aliveAfter) / 2;
        double memory = dt * ((before == null ? 0 : before.residentBytes()) + (after == null ? 0 : after.residentBytes())) / 2 / GB;
        double storage = dt * ((before == null ? 0 : before.storageBytes()) + (after == null ? 0 : after.storageBytes())) / 2 / GB;
        double cpu = 0;
        long requests = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        if (after != null) {
            for (var p : after.cpuByPid().entrySet()) {
                Double was = before == null ? null : before.cpuByPid().get(p.getKey());
                cpu += Math.max(0, p.getValue() - (was == null ? 0 : was));
            }
            boolean sameSeries = before != null && Objects.equals(before.trafficRelease(), after.trafficRelease())
                    && Objects.equals(before.trafficSince(), after.trafficSince());
            requests = Math.max(0, after.requests() - (sameSeries ? before.requests() : 0));
            bytesIn = Math.max(0, after.bytesIn() - (sameSeries ? before.bytesIn() : 0));
            bytesOut = Math.max(0, after.bytesOut() - (sameSeries ? before.bytesOut() : 0));
        }
        if (running == 0 && cpu == 0 && requests == 0 && storage == 0 && memory == 0) return null;
        return new InstanceUsage(uid, running, cpu, memory, requests, bytesIn, bytesOut, storage);
    }
}
