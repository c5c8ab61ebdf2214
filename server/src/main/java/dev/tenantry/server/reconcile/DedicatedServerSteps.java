package dev.tenantry.server.reconcile;

import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.model.Cell;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.store.DatabaseServerRepository.Dedicated;
import dev.tenantry.server.store.Tx;
import dev.tenantry.server.tenantdb.DedicatedServer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The steps for an instance's own PostgreSQL server (dedicated model): started on its cell before its database is
 * made in it, its address followed when the agent runs it at another port, and removed with its data (by the agent)
 * once nothing of the instance is in it any more.
 */
final class DedicatedServerSteps {
    /** A server starts in a few seconds: look again soon (its reports do not wake the instance). */
    private static final Duration START_RECHECK = Duration.ofSeconds(1);

    private DedicatedServerSteps() {}

    /** Null once the instance's own server runs; else it is started (or waited for) and the outcome says so. */
    static Outcome ensureRunning(InstancePass pass, DatabaseService databases) {
        Optional<Dedicated> found = pass.tx.databaseServers().dedicatedTo(pass.instance.uid());
        Cell cell = pass.tx.cells().get(pass.instance.cell()).orElseThrow();
        if (found.isEmpty()) {
            long revision = pass.tx.cells().bumpRevision(cell.id());
            databases.createDedicated(pass.tx, pass.instance, cell.region(), cell.databaseAddress(), revision);
            pass.cellChanged(cell.id());
            pass.stepRunning(DatabaseSteps.STEP, "starting its own PostgreSQL server on cell " + cell.id());
            pass.audit("instance.database-server-start", "success", "own PostgreSQL server " + DedicatedServer.name(pass.instance.uid())
                    + " on cell " + cell.id());
            return Outcome.waiting("own database server", START_RECHECK);
        }
        Dedicated server = found.get();
        if (server.removing()) {
            pass.stepRunning(DatabaseSteps.STEP, "waiting for the agent to remove its previous own PostgreSQL server");
            return Outcome.waiting("own database server removal", START_RECHECK);
        }
        ObservedInstance observed = server.observed();
        if (observed != null && observed.state() == ObservedInstance.State.FAILED) {
            return Outcome.failed("its own PostgreSQL server on cell " + cell.id() + " failed: " + observed.message());
        }
        OptionalInt port = DedicatedServer.listeningPort(observed);
        if (port.isEmpty()) {
            pass.stepRunning(DatabaseSteps.STEP, "starting its own PostgreSQL server on cell " + cell.id()
                    + (observed == null || observed.message() == null ? "" : ": " + observed.message()));
            return Outcome.waiting("own database server", START_RECHECK);
        }
        followAddress(pass, server, port.getAsInt());
        return null;
    }

    /**
     * Keeps the server's row at the port the agent runs it at (a host's restart gives it another): a running instance
     * then moves to it as its next generation, its replicas replaced one at a time.
     */
    static void followAddress(InstancePass pass) {
        pass.tx.databaseServers().dedicatedTo(pass.instance.uid()).filter(s -> !s.removing()).ifPresent(server -> {
            OptionalInt port = DedicatedServer.listeningPort(server.observed());
            if (port.isEmpty() || !followAddress(pass, server, port.getAsInt())) return;
            boolean settled = pass.instance.deployment() != null && (pass.operation == null || pass.operation.state().isDone());
            if (!settled) return;
            pass.systemChange("instance.database-address", "system", pass.instance.spec());
            pass.audit("instance.database-address", "success", "own PostgreSQL server now at port " + port.getAsInt());
        });
    }

    private static boolean followAddress(InstancePass pass, Dedicated server, int port) {
        if (server.server().port() == port) return false;
        pass.tx.databaseServers().updateAddress(server.server().name(), server.server().host(), port, DedicatedServer.ADMIN_USER,
                server.server().version());
        return true;
    }

    /**
     * Has the agent stop the server and remove its data (the database workers, once nothing of the instance is in it);
     * false when it is already going.
     */
    static boolean remove(Tx tx, String server) {
        Optional<String> cell = tx.databaseServers().startRemoving(server);
        if (cell.isEmpty()) return false;
        tx.databaseServers().publishedAt(server, tx.cells().bumpRevision(cell.get()));
        return true;
    }

    /** True while the instance has an own server: one it does not use is removed (once), and goes when the agent purged it. */
    static boolean removeUnused(InstancePass pass) {
        Optional<Dedicated> server = pass.tx.databaseServers().dedicatedTo(pass.instance.uid());
        if (server.isEmpty()) return false;
        if (!server.get().removing() && remove(pass.tx, server.get().server().name())) pass.cellChanged(null);
        return true;
    }
}
