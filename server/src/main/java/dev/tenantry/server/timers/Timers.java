package dev.tenantry.server.timers;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.tenantry.server.domain.InstanceService;
import dev.tenantry.server.domain.Services;
import dev.tenantry.server.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's timers, on db-scheduler: each runs on exactly one server replica at a time, and a timer
 * that was due while every server was down runs when one comes back.
 */
public final class Timers implements AutoCloseable {
    /** How long a create's Idempotency-Key is remembered. */
    public static final Duration IDEMPOTENCY_KEY_TTL = Duration.ofHours(24);
    /** How often deleted instances whose retention ended are looked for (purged at most this long after their purge time, plus polling). */
    public static final Duration PURGE_CHECK = Duration.ofSeconds(5);
    /** How often certificates close to expiry without a renewal are looked for. */
    public static final Duration CERTIFICATE_EXPIRY_CHECK = Duration.ofMinutes(1);
    /** How often the whole audit chain is verified (checkpoints check only the records since the last one). */
    public static final Duration AUDIT_VERIFY = Duration.ofHours(1);
    /** How often instances whose plan's backup schedule fired are looked for (a backup starts at most this long after its time). */
    public static final Duration BACKUP_SCHEDULE_CHECK = Duration.ofSeconds(30);
    /**
     * How often the alert rules are evaluated (an alert fires at most this long, plus polling, after its condition holds),
     * or less often when an evaluation takes longer than a twentieth of it ({@link #ALERT_CHECK_FACTOR}).
     */
    public static final Duration ALERT_CHECK = Duration.ofSeconds(10);
    /** The wait after an evaluation is at least this many times as long as it took: at most 5 % of a replica's time. */
    public static final int ALERT_CHECK_FACTOR = 19;
    /** How often tenant databases are measured for usage (storage between two measurements counts at their mean size). */
    public static final Duration DATABASE_SIZE_CHECK = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private final Scheduler scheduler;

    private Timers(DataSource dataSource, List<RecurringTask<?>> tasks) {
        this.scheduler = Scheduler.create(dataSource).startTasks(tasks).threads(1).pollingInterval(Duration.ofSeconds(5))
                .build();
    }

    /** How often what is older than its retention is removed. */
    public static final Duration RETENTION_CHECK = Duration.ofHours(1);

    public static Timers start(DataSource dataSource, Store store, Services services, Clock clock, Duration auditCheckpointInterval,
                               dev.tenantry.server.domain.RetentionService retention) {
        InstanceService instances = services.instances();
        RecurringTask<Void> expireKeys = Tasks.recurring("expire-idempotency-keys", FixedDelay.of(Duration.ofMinutes(10)))
                .execute((instance, context) -> expireIdempotencyKeys(store, clock));
        RecurringTask<Void> purgeDeleted = Tasks.recurring("purge-deleted-instances", FixedDelay.of(PURGE_CHECK))
                .execute((instance, context) -> {
                    int started = instances.deleted().purgeExpired();
                    if (started > 0) log.info("Purging {} deleted instance(s) whose retention ended", started);
                });
        RecurringTask<Void> auditCheckpoint = Tasks.recurring("audit-checkpoint", FixedDelay.of(auditCheckpointInterval))
                .execute((instance, context) -> services.audit().checkpoint());
        RecurringTask<Void> certificateExpiry = Tasks.recurring("certificate-expiry", FixedDelay.of(CERTIFICATE_EXPIRY_CHECK))
                .execute((instance, context) -> {
                    int warned = services.certificates().warnOfExpiry();
                    if (warned > 0) log.warn("{} TLS certificate(s) close to expiry were not renewed (certificate.expiring events)", warned);
                });
        RecurringTask<Void> auditVerify = Tasks.recurring("audit-verify", FixedDelay.of(AUDIT_VERIFY))
                .execute((instance, context) -> services.audit().verifyAndReport());
        RecurringTask<Void> scheduledBackups = Tasks.recurring("scheduled-backups", FixedDelay.of(BACKUP_SCHEDULE_CHECK))
                .execute((instance, context) -> {
                    int queued = services.backups().enqueueScheduled();
                    if (queued > 0) log.info("Backing up {} instance(s) on their plans' schedules", queued);
                });
        RecurringTask<Void> alerts = Tasks.recurring("alerts", new ProportionalDelay(ALERT_CHECK, ALERT_CHECK_FACTOR))
                .execute((instance, context) -> {
                    var evaluation = services.alerts().evaluate();
                    if (evaluation.fired() + evaluation.resolved() > 0) {
                        log.info("Alerts: {} fired, {} resolved, {} firing", evaluation.fired(), evaluation.resolved(), evaluation.firing());
                    }
                    if (!evaluation.replaced().isEmpty()) log.warn("Re-placed instances of silent cells: {}", evaluation.replaced());
                });
        RecurringTask<Void> databaseSizes = Tasks.recurring("database-sizes", FixedDelay.of(DATABASE_SIZE_CHECK))
                .execute((instance, context) -> services.usage().measureDatabases());
        RecurringTask<Void> removeOld = Tasks.recurring("retention", FixedDelay.of(RETENTION_CHECK))
                .execute((instance, context) -> {
                    var removed = retention.removeOld();
                    if (removed.any()) log.info("Removed what is past its retention: {}", removed);
                });
        Timers timers = new Timers(dataSource, List.of(removeOld, databaseSizes, expireKeys, purgeDeleted, auditCheckpoint, auditVerify, certificateExpiry, scheduledBackups,
                alerts));
        timers.scheduler.start();
        return timers;
    }

    /** Forgets the Idempotency-Keys of creates older than {@link #IDEMPOTENCY_KEY_TTL}; returns how many. */
    public static int expireIdempotencyKeys(Store store, Clock clock) {
        int expired = store.tx(tx -> tx.idempotency().expireBefore(clock.instant().minus(IDEMPOTENCY_KEY_TTL)));
        if (expired > 0) log.info("Forgot {} idempotency key(s) older than {}", expired, IDEMPOTENCY_KEY_TTL);
        return expired;
    }

    @Override
    public void close() {
        scheduler.stop();
    }
}
