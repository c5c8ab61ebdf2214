package dev.tenantry.server.reconcile;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.Operation;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.server.domain.DatabaseService;
import dev.tenantry.server.domain.DeploymentRenderer;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.InstanceRepository;
import dev.tenantry.server.domain.InstanceSecrets;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Leases;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import dev.tenantry.server.domain.CreationPass;
import dev.tenantry.server.domain.ReportPasses;
import dev.tenantry.server.tenantdb.DatabaseEndpoint;
import dev.tenantry.server.tenantdb.TenantDatabase;
import dev.tenantry.api.model.DatabaseServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Moves one instance one pass closer to its desired state. Level-triggered: each pass reads the whole
 * spec, status and latest observation, and runs the ordered steps until one is not yet done.
 *
 * <pre>
 * live:     ensurePlaced → ensureDatabaseReady → ensureRenderInputsCurrent → ensureRendered → ensurePublished → awaitApplied
 *           (running, stopped, or a failure)
 * deleting: ensureUnpublished → awaitStopped (DELETED, its data and database kept until its purge time)
 * deleted:  nothing (a restore or the purge timer moves it on)
 * purging:  awaitPurged (the agent removed the data; the database dropped; parameters erased: PURGED)
 * purged:   nothing (final)
 * </pre>
 */
public final class InstanceReconciler implements Reconciler {
    /**
     * The periodic resync of a settled instance, catching anything a missed signal would have told, unless configured
     * otherwise ({@code ServerTuning.resync}); each is spread by up to a tenth so that instances settled together part.
     */
    public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(60);
    /** When a failed instance is looked at again. */
    static final Duration FAILED_RECHECK = Duration.ofSeconds(30);
    static final Duration AGENT_RECHECK = Duration.ofSeconds(10);

    private final Store store;
    private final Signals signals;
    private final Clock clock;
    private final DatabaseService databases;
    private final Duration resync;

    public InstanceReconciler(Store store, Signals signals, Clock clock, DatabaseService databases, Duration resync) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
        this.databases = databases;
        this.resync = resync;
    }

    /** The resync, less up to a tenth of it at random. */
    private Duration nextResync() {
        return resync.minusMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(resync.toMillis() / 10 + 1));
    }

    /** A pass is one transaction, which locks its instance: no lease. */
    @Override
    public boolean holdsLeases() {
        return false;
    }

    @Override
    public java.util.List<String> claimDue(Tx tx, String owner, Duration lease, int limit) {
        return tx.leases(Leases.Table.INSTANCES).due(limit);
    }

    @Override
    public boolean extendLease(Tx tx, String id, String owner, Duration lease) {
        return false;
    }

    @Override
    public int failed(Tx tx, String uid, String owner) {
        return tx.leases(Leases.Table.INSTANCES).countFailure(uid, ReconcileBackoff::after);
    }

    /** A condition {@code Reconciled=False} with the error and the next try; the next pass that succeeds removes it. */
    @Override
    public void showFailure(Tx tx, String uid, String reason, int failures) {
        // the instance alone: what the failing pass also read (its operation, say) may be what fails
        tx.instances().lockByUid(uid).ifPresent(instance -> {
            InstancePass pass = new InstancePass(tx, new InstanceRepository.PassInputs(instance, null, null, false, false), clock.instant(), null);
            pass.condition("Reconciled", Condition.Status.False, "PassFailed", failures + " pass(es) in a row failed: " + reason
                    + "; the next in " + ReconcileBackoff.after(failures).toSeconds() + " s");
            pass.save();
        });
    }

    /**
     * Runs one pass over an instance if it is still due and no other transaction holds it, and in the same transaction
     * schedules the next. Returns the time to it (null: only when something changes), or {@link #NOT_DUE}.
     */
    @Override
    public Duration reconcile(String uid, String owner) {
        PassResult result;
        try {
            result = store.tx(tx -> lockedPass(tx, uid));
        } finally {
            dev.tenantry.server.logging.LogContext.clear();
        }
        if (result == null) return NOT_DUE;
        signal(result);
        return result.next();
    }

    /** The first pass over an instance created in {@code tx}, in that transaction ({@link CreationPass}). */
    public CreationPass.Result passCreated(Tx tx, InstanceRecord created, boolean stored, Operation operation, Tenant tenant) {
        InstancePass pass = new InstancePass(tx, new InstanceRepository.PassInputs(created, operation, null, false, false), clock.instant(), tenant);
        pass.operationNotStoredYet();
        if (!stored) pass.instanceNotStoredYet();
        PassResult result = pass(pass);
        return new CreationPass.Result(result.instance(), result.operation(), () -> signal(result));
    }

    /**
     * The passes a cell's report asked for at once, in the report's transaction ({@link ReportPasses}): each instance
     * that is due and not in a worker's pass (skipped, and left to it).
     */
    public ReportPasses.Result passReported(Tx tx, java.util.List<String> uids) {
        java.util.List<PassResult> results = new java.util.ArrayList<>(uids.size());
        try {
            for (String uid : uids) {
                PassResult result = lockedPass(tx, uid);
                if (result != null) results.add(result);
            }
        } finally {
            dev.tenantry.server.logging.LogContext.clear();
        }
        return new ReportPasses.Result(results.size(), () -> {
            passesInReports.addAndGet(results.size());
            results.forEach(this::signal);
        });
    }

    private final java.util.concurrent.atomic.AtomicLong passesInReports = new java.util.concurrent.atomic.AtomicLong();

    /** How many passes ran (and committed) in reports' transactions since the server started. */
    public long passesInReports() {
        return passesInReports.get();
    }

    /** After the pass's commit: the long polls of the cells it changed, and the database workers if it asked them for work. */
    private void signal(PassResult result) {
        for (String cell : result.changedCells()) {
            if (cell == null) signals.fire(Signals.Topic.CELLS);
            else signals.fire(Signals.Topic.CELLS, cell);
        }
        if (result.databasesChanged()) signals.fire(Signals.Topic.DATABASES);
        if (result.changed()) signals.fire(Signals.Topic.EVENTS);
    }

    /** The pass over the instance in the transaction {@code tx} if it is due and not locked; null when not. */
    private PassResult lockedPass(Tx tx, String uid) {
        Optional<InstanceRepository.PassInputs> found = tx.instances().lockForPassIfDue(uid);
        if (found.isEmpty()) return null;
        dev.tenantry.server.logging.LogContext.of(found.get().instance().tenant(), found.get().instance().name());
        return pass(new InstancePass(tx, found.get(), clock.instant(), null));
    }

    /** One pass over the locked instance, in the pass's transaction: its steps run, its next pass scheduled. */
    private PassResult pass(InstancePass pass) {
        InstanceRecord instance = pass.instance;
        Tx tx = pass.tx;
        Outcome outcome = switch (instance.phase()) {
            // a late pass (say, after a report) must never bring it back
            case DELETED, PURGED -> Outcome.DONE;
            case DELETING -> deletionSteps(pass);
            case PURGING -> DeletionSteps.awaitPurged(pass);
            default -> liveSteps(pass);
        };
        Duration next = switch (outcome) {
            case Outcome.Done d -> pass.instance.phase().isDeleted() ? null : nextResync();
            case Outcome.Waiting w -> w.recheck().compareTo(resync) < 0 ? w.recheck() : nextResync();
            case Outcome.Failed f -> {
                fail(pass, f.reason());
                yield FAILED_RECHECK;
            }
        };
        pass.clearCondition("Reconciled");
        boolean changed = pass.save();
        tx.atCommit(tx.leases(Leases.Table.INSTANCES).rescheduleWrite(instance.uid(), next));
        return new PassResult(next, changed, pass.changedCells(), pass.isDatabasesChanged(), pass.instance, pass.operation);
    }

    private record PassResult(Duration next, boolean changed, java.util.Set<String> changedCells, boolean databasesChanged,
                              InstanceRecord instance, Operation operation) {}

    private Outcome liveSteps(InstancePass pass) {
        Outcome outcome = PlacementStep.ensurePlaced(pass);
        if (outcome instanceof Outcome.Done) outcome = ensureDatabaseReady(pass);
        if (outcome instanceof Outcome.Done) outcome = ensureRenderInputsCurrent(pass);
        if (outcome instanceof Outcome.Done) outcome = ensureRendered(pass);
        if (outcome instanceof Outcome.Done) outcome = ensurePublished(pass);
        if (outcome instanceof Outcome.Done) outcome = awaitApplied(pass);
        return outcome;
    }

    private Outcome deletionSteps(InstancePass pass) {
        Outcome outcome = DeletionSteps.ensureUnpublished(pass);
        if (outcome instanceof Outcome.Done) outcome = DeletionSteps.awaitStopped(pass);
        return outcome;
    }

    /** The plan is read only for a release with a database: every resync of every other instance passes through here. */
    private Outcome ensureDatabaseReady(InstancePass pass) {
        InstanceRecord i = pass.instance;
        Release release = pass.tx.catalog().release(i.spec().service(), i.spec().release()).orElse(null);
        if (release == null) return Outcome.failed("release or plan of the instance no longer exists");
        if (!release.blueprint().hasDatabase()) {
            pass.stepDone(DatabaseSteps.STEP, "release " + release.version() + " declares no database");
            return Outcome.DONE;
        }
        Plan plan = pass.tx.catalog().plan(i.spec().service(), i.spec().plan()).orElse(null);
        if (plan == null) return Outcome.failed("release or plan of the instance no longer exists");
        return DatabaseSteps.ensureReady(pass, release, plan, databases);
    }

    /**
     * A settled instance whose secrets have a newer version (or a tenant's own value now, or the service's again), or
     * whose custom domains changed, moves to them as its next generation: its replicas are replaced one at a time for
     * secrets; for domains only the routes and certificates change.
     */
    private Outcome ensureRenderInputsCurrent(InstancePass pass) {
        InstanceRecord i = pass.instance;
        Deployment current = i.deployment();
        boolean busy = pass.operation != null && !pass.operation.state().isDone();
        if (current == null || current.generation() != i.generation() || busy) return Outcome.DONE;
        Map<String, String> domains = domainsOf(pass, i.uid());
        if (!current.domains().equals(current.ingress() == null ? Map.of() : domains)) {
            pass.systemChange("instance.domains", "system", i.spec());
            pass.audit("instance.domains", "success", "domains " + domains.keySet() + " (were " + current.domains().keySet() + ")");
            return Outcome.DONE;
        }
        // a rendered deployment without secrets is of a blueprint that declares none
        if (current.secrets().isEmpty()) return Outcome.DONE;
        Optional<Release> release = pass.tx.catalog().release(i.spec().service(), i.spec().release());
        if (release.isEmpty()) return Outcome.DONE;
        InstanceSecrets.Resolution secrets = InstanceSecrets.resolve(pass.tx, release.get().blueprint(), i.tenant(), i.spec().service(), i.uid());
        if (!secrets.missing().isEmpty() || secrets.refs().equals(current.secrets())) return Outcome.DONE;
        pass.systemChange("instance.rotate-secrets", "system", i.spec());
        pass.audit("instance.rotate-secrets", "success", "secrets " + secrets.refs() + " (were " + current.secrets() + ")");
        return Outcome.DONE;
    }

    /** The instance's custom domains, each with a fingerprint of its certificate. */
    private static Map<String, String> domainsOf(InstancePass pass, String uid) {
        Map<String, String> domains = new java.util.TreeMap<>();
        if (!pass.hasCustomDomains()) return domains;
        pass.tx.customDomains().ofInstance(uid).forEach(d -> domains.put(d.domain(), dev.tenantry.api.Hashes.sha256(d.certificatePem())));
        return domains;
    }

    private Outcome ensureRendered(InstancePass pass) {
        InstanceRecord i = pass.instance;
        if (i.deployment() != null && i.deployment().generation() == i.generation()) return Outcome.DONE;
        Tenant tenant = pass.tenant();
        Release release = pass.tx.catalog().release(i.spec().service(), i.spec().release()).orElse(null);
        Plan plan = pass.tx.catalog().plan(i.spec().service(), i.spec().plan()).orElse(null);
        if (release == null || plan == null) return Outcome.failed("release or plan of the instance no longer exists");
        if (pass.cellAddress == null) return Outcome.failed("cell " + i.cell() + " no longer exists");
        String baseDomain = pass.cellAddress.baseDomain();
        InstanceSecrets.Resolution secrets = InstanceSecrets.resolve(pass.tx, release.blueprint(), i.tenant(), i.spec().service(), i.uid());
        if (!secrets.missing().isEmpty()) return Outcome.failed(secrets.missingMessage(i.tenant(), i.spec().service()));
        Deployment deployment = DeploymentRenderer.render(i, tenant, release, plan, baseDomain, secrets.refs(), domainsOf(pass, i.uid()),
                databaseEndpoint(pass, release));
        pass.instance = i.withDeployment(deployment, false);
        pass.stepDone("render", "rendered release " + release.version() + " with plan " + plan.name());
        return Outcome.DONE;
    }

    /** Where the instance's workload connects to its database (null: its release declares none). */
    private static DatabaseEndpoint databaseEndpoint(InstancePass pass, Release release) {
        if (!release.blueprint().hasDatabase()) return null;
        TenantDatabase db = pass.tx.tenantDatabases().get(pass.instance.uid()).orElseThrow();
        DatabaseServer server = pass.tx.databaseServers().get(db.location().server()).orElseThrow();
        return new DatabaseEndpoint(server.host(), server.port(), db.location().database(), db.location().schema(), db.login());
    }

    private Outcome ensurePublished(InstancePass pass) {
        if (pass.instance.published()) return Outcome.DONE;
        long revision = pass.tx.cells().bumpRevision(pass.instance.cell());
        pass.instance = pass.instance.withPublication(true, revision);
        pass.cellChanged(pass.instance.cell());
        pass.stepDone("publish", "published to cell " + pass.instance.cell() + " at revision " + revision);
        pass.stepRunning("start", "waiting for the agent to start the replicas");
        pass.stepRunning("apply", "waiting for the agent to apply generation " + pass.instance.generation());
        return Outcome.DONE;
    }

    /** Waits until the agent runs the current generation: then the instance is RUNNING (or STOPPED, if asked). */
    private Outcome awaitApplied(InstancePass pass) {
        InstanceRecord i = pass.instance;
        ObservedInstance observed = i.observed();
        if (observed == null || observed.generation() < i.generation()) {
            return Outcome.waiting("waiting for the agent", AGENT_RECHECK);
        }
        return switch (observed.state()) {
            case RUNNING -> i.spec().stopped() ? ScaleToZeroSteps.stopped(pass)
                    : !i.spec().hibernated() ? running(pass)
                    : observed.replicas().stream().allMatch(ObservedReplica::standby) ? ScaleToZeroSteps.hibernated(pass) : ScaleToZeroSteps.wokenByTraffic(pass);
            case STARTING -> progressing(pass, observed);
            case FAILED -> Outcome.failed(observed.message() == null ? "the workload failed" : observed.message());
        };
    }

    /** Replicas are starting, being replaced or stopping: RUNNING while some replica still serves. */
    private Outcome progressing(InstancePass pass, ObservedInstance observed) {
        InstanceRecord i = pass.instance;
        String message = observed.message() == null ? "replicas are starting" : observed.message();
        boolean serving = i.phase() == Phase.RUNNING && isServing(observed);
        pass.status(serving ? Phase.RUNNING : Phase.PROVISIONING, i.status().observedGeneration(), i.status().endpoint(),
                serving ? Condition.Status.True : Condition.Status.False, serving ? "Progressing" : "Starting", message);
        pass.stepRunning("start", message);
        pass.stepRunning("apply", message);
        return Outcome.waiting("replicas starting", AGENT_RECHECK);
    }

    private Outcome running(InstancePass pass) {
        InstanceRecord i = pass.instance;
        String endpoint = endpoint(pass);
        boolean becameRunning = i.phase() != Phase.RUNNING;
        pass.status(Phase.RUNNING, i.generation(), endpoint, Condition.Status.True, "Healthy", "all replicas pass their health checks");
        pass.stepDone("start", "all replicas healthy");
        pass.stepDone("route", endpoint == null ? "no ingress declared" : "routed at " + endpoint);
        pass.stepDone("apply", "generation " + i.generation() + " runs: all replicas healthy");
        pass.succeedOperation();
        DatabaseSteps.afterSettled(pass);
        if (becameRunning) {
            pass.event("instance.running", Map.of("instance", pass.target(), "uid", i.uid(), "endpoint", endpoint == null ? "" : endpoint));
            pass.audit("instance.running", "success", endpoint);
        }
        return ScaleToZeroSteps.hibernateIfIdle(pass);
    }

    /**
     * Fails the current operation. The instance is FAILED unless replicas of an earlier generation still serve
     * (a failed update or restart): then it stays RUNNING on them and says why.
     */
    private void fail(InstancePass pass, String reason) {
        InstanceRecord i = pass.instance;
        boolean serving = i.phase() == Phase.RUNNING && i.observed() != null && isServing(i.observed());
        if (serving) {
            pass.status(Phase.RUNNING, i.status().observedGeneration(), i.status().endpoint(), Condition.Status.True, "ChangeFailed",
                    "serving on the previous replicas; the last change failed: " + reason);
            pass.failOperation(reason);
            return;
        }
        boolean becameFailed = i.phase() != Phase.FAILED;
        pass.status(Phase.FAILED, i.generation(), null, Condition.Status.False, "Failed", reason);
        pass.failOperation(reason);
        if (becameFailed) {
            pass.event("instance.failed", Map.of("instance", pass.target(), "uid", i.uid(), "reason", reason));
            pass.audit("instance.failed", "failure", reason);
        }
    }

    private static boolean isServing(ObservedInstance observed) {
        return observed.replicas().stream().anyMatch(r -> r.healthy() && !r.standby());
    }

    static String endpoint(InstancePass pass) {
        Deployment d = pass.instance.deployment();
        if (d == null || d.host() == null) return null;
        return pass.cellAddress == null ? null : pass.cellAddress.endpoint(d.host());
    }
}
