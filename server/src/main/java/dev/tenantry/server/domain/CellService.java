package dev.tenantry.server.domain;

import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.api.model.Cell;
import dev.tenantry.api.model.Role;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.tenantdb.DedicatedServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Cells: their registration, the desired state agents long-poll, and the observed state they report. */
public final class CellService {
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CellService.class);
    /**
     * A report's passes run in its transaction up to this many (a report of changes names a few instances; a full one,
     * after an agent's start, may make thousands due: those go to the workers, several at once).
     */
    static final int PASSES_IN_REPORT = 16;
    /**
     * A cell's reports within this long of the last one this server wrote as seen (from the same agent) do not look at
     * the cell's row again: while instances start, an agent reports several times a second, and the row's
     * {@code last_seen} is written every two seconds at most anyway. Cells are never removed, so the row is still there.
     */
    public static final Duration SEEN_AGAIN_AFTER = Duration.ofSeconds(1);
    private final Store store;
    private final Signals signals;
    private volatile ReportPasses reportPasses;
    private final java.util.concurrent.ConcurrentHashMap<String, Seen> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();

    /** When this server last wrote a cell's report as seen ({@link System#nanoTime}), and from which agent. */
    private record Seen(String agentId, long atNanos) {
        boolean recently(String agent) {
            return java.util.Objects.equals(agentId, agent) && System.nanoTime() - atNanos < SEEN_AGAIN_AFTER.toNanos();
        }
    }

    public CellService(Store store, Signals signals) {
        this.store = store;
        this.signals = signals;
    }

    /** An agent registers (or re-registers) the cell it serves, with its capacity and its gateway's address. */
    public Cell register(Principal who, String id, CellRegistration r) {
        checkCellAccess(who, id);
        Errors errors = new Errors();
        Slugs.check(errors, "cell", id);
        Slugs.check(errors, "region", r.region());
        // hollow: simulated replicas, the driver of benchmarks and tests of scale (dev.tenantry.agent.driver.HollowDriver)
        if (r.driver() == null || !List.of("process", "hollow").contains(r.driver())) errors.add("driver", "must be 'process' or 'hollow'");
        if (r.capacity() < 1 || r.capacity() > 100_000) errors.add("capacity", "must be between 1 and 100000");
        if (r.baseDomain() == null || !r.baseDomain().matches("[a-z0-9]([a-z0-9.-]{0,200}[a-z0-9])?")) errors.add("baseDomain", "must be a DNS name");
        if (r.endpointTemplate() == null || !r.endpointTemplate().contains("{host}")) errors.add("endpointTemplate", "must contain {host}");
        if (r.databaseAddress() != null && !r.databaseAddress().matches("[A-Za-z0-9.:-]{1,253}")) {
            errors.add("databaseAddress", "must be a host name or IP address");
        }
        errors.throwIfAny();
        store.run(tx -> {
            tx.cells().upsert(id, r);
            tx.events().append("cell.registered", "cells/" + id, null, Map.of("cell", id, "region", r.region(), "capacity", r.capacity()));
        });
        signals.fire(Signals.Topic.RECONCILE);
        return get(id);
    }

    public List<Cell> list() {
        return store.read(tx -> tx.cells().list());
    }

    public Cell get(String id) {
        return store.read(tx -> tx.cells().get(id)).orElseThrow(() -> new NotFoundException("cell", "no cell '" + id + "'"));
    }

    /**
     * The cell's desired state once its revision is above {@code afterRevision}, waiting up to {@code maxWait}
     * (the long poll). Returns the current state when the wait ends without a change.
     */
    public CellDesiredState awaitDesiredState(Principal who, String cell, long afterRevision, Duration maxWait) throws InterruptedException {
        checkCellAccess(who, cell);
        Instant deadline = Instant.now().plus(maxWait);
        while (true) {
            long mark = signals.mark(Signals.Topic.CELLS, cell);
            boolean waitOver = !Instant.now().isBefore(deadline);
            // outside a transaction, which would add only its BEGIN and COMMIT: each statement sees its own snapshot either
            // way, and what each reads is bounded by the revision read first
            Optional<CellDesiredState> state = store.read(tx -> {
                long revision = tx.cells().revision(cell).orElseThrow(() -> new NotFoundException("cell", "no cell '" + cell + "'"));
                return revision > afterRevision || waitOver ? Optional.of(tx.instances().desiredState(cell, revision, afterRevision)) : Optional.empty();
            });
            if (state.isPresent()) return state.get();
            Duration left = Duration.between(Instant.now(), deadline);
            signals.await(Signals.Topic.CELLS, cell, mark, left.compareTo(RECHECK) < 0 ? left : RECHECK);
        }
    }

    /**
     * Stores what the agent observes; instances whose observation changed get a reconcile pass. Dedicated database
     * servers the agent has purged are forgotten, with their admin passwords.
     */
    /** From now on, the passes a report asks for at once run in its transaction ({@link ReportPasses}). */
    public void runReportPassesWith(ReportPasses passes) {
        this.reportPasses = passes;
    }

    public void report(Principal who, String cell, CellReport report) {
        checkCellAccess(who, cell);
        ReportPasses passes = reportPasses;
        Saved saved;
        try {
            saved = store.tx(tx -> save(tx, cell, report, passes));
        } catch (PassesFailed e) {
            // undone with the report, which is written again without them (a report never fails for a pass)
            log.warn("A report's passes failed and were undone; the workers take them: {}", e.getCause().toString());
            saved = store.tx(tx -> save(tx, cell, report, null));
        }
        saved.afterCommit().run();
        if (saved.leftToWorkers() > 0) signals.fire(Signals.Topic.RECONCILE);
    }

    /**
     * Writes the report and runs the passes it asks for at once ({@code passes}; null: none), instances first and the
     * cell row last: the order in which reconcile passes lock them.
     */
    private Saved save(dev.tenantry.server.store.Tx tx, String cell, CellReport report, ReportPasses passes) {
        List<String> due = tx.instances().saveReport(cell, report.appliedRevision(), report.full(), report.instances(), report.removed());
        List<String> purgedServers = namesServers(report) ? tx.databaseServers().saveReport(cell, report.appliedRevision(), report.full(),
                report.instances(), report.removed()) : List.of();
        for (String server : purgedServers) {
            tx.secrets().retireScope(DatabaseService.serverScope(server), Instant.now());
            tx.events().append("database-server.removed", "database-servers/" + server, null, Map.of("server", server, "cell", cell));
        }
        ReportPasses.Result passed = passesIn(tx, passes, due);
        Seen seen = lastSeen.get(cell);
        if (seen == null || !seen.recently(report.agentId())) {
            if (!tx.cells().seen(cell, report.agentId())) throw new NotFoundException("cell", "no cell '" + cell + "'");
            lastSeen.put(cell, new Seen(report.agentId(), System.nanoTime()));
        }
        return new Saved(due.size() - passed.passed(), passed.afterCommit());
    }

    /** A stored report: how many of the passes it asked for at once the workers are to run, and what to signal now. */
    private record Saved(int leftToWorkers, Runnable afterCommit) {}

    /** A report's pass failed: its transaction is rolled back, and the report written again without passes. */
    private static final class PassesFailed extends RuntimeException {
        PassesFailed(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * The report's passes, without a savepoint of their own (two round trips every report would pay): if one fails,
     * the whole transaction is undone ({@link PassesFailed}) and the report is written again without them.
     */
    private static ReportPasses.Result passesIn(dev.tenantry.server.store.Tx tx, ReportPasses passes, List<String> due) {
        if (passes == null || due.isEmpty() || due.size() > PASSES_IN_REPORT) return new ReportPasses.Result(0, () -> {});
        try {
            return passes.run(tx, due);
        } catch (RuntimeException e) {
            throw new PassesFailed(e);
        }
    }

    /** Whether the report may change a dedicated database server: a full report, or one that names one. */
    private static boolean namesServers(CellReport report) {
        return report.full() || report.instances().stream().anyMatch(o -> DedicatedServer.isServer(o.instanceUid()))
                || report.removed().stream().anyMatch(DedicatedServer::isServer);
    }

    private static void checkCellAccess(Principal who, String cell) {
        if (who.role() == Role.agent && !cell.equals(who.cell())) throw new ForbiddenException("this agent token serves cell '" + who.cell() + "'");
    }
}
