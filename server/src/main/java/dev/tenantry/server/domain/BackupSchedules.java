package dev.tenantry.server.domain;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import dev.tenantry.api.model.BackupPolicy;
import dev.tenantry.api.validation.Errors;
import java.time.Instant;
import java.time.ZoneOffset;

/** Backup schedules: five-field (UNIX) cron expressions in UTC, read by db-scheduler's cron parser. */
public final class BackupSchedules {
    public static final int MAX_KEEP_DAYS = 3660;

    private BackupSchedules() {}

    /** Whether the schedule fired after {@code since} and at or before {@code now}. */
    public static boolean firedBetween(String schedule, Instant since, Instant now) {
        Instant next = cron(schedule).getNextExecutionTime(ExecutionComplete.simulatedSuccess(since));
        return next != null && !next.isAfter(now);
    }

    /** The errors of a plan's backup policy, under {@code field}. */
    public static void check(Errors errors, String field, BackupPolicy policy) {
        if (policy == null) return;
        if (policy.schedule() == null || policy.schedule().isBlank()) {
            errors.add(field + ".schedule", "is required: a cron expression such as \"0 3 * * *\" (daily at 03:00 UTC)");
        } else if (policy.schedule().trim().split("\\s+").length != 5) {
            errors.add(field + ".schedule", "must have five fields (minute hour day-of-month month day-of-week), UTC");
        } else {
            try {
                cron(policy.schedule());
            } catch (RuntimeException e) {
                errors.add(field + ".schedule", "is not a valid cron expression: " + e.getMessage());
            }
        }
        if (policy.keepCount() != null && (policy.keepCount() < 1 || policy.keepCount() > BackupPolicy.MAX_KEEP_COUNT)) {
            errors.add(field + ".keepCount", "must be between 1 and " + BackupPolicy.MAX_KEEP_COUNT);
        }
        if (policy.keepDays() != null && (policy.keepDays() < 1 || policy.keepDays() > MAX_KEEP_DAYS)) {
            errors.add(field + ".keepDays", "must be between 1 and " + MAX_KEEP_DAYS);
        }
    }

    private static CronSchedule cron(String schedule) {
        return new CronSchedule(schedule.trim(), ZoneOffset.UTC, CronStyle.UNIX);
    }
}
