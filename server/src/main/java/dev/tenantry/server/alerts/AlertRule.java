package dev.tenantry.server.alerts;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The built-in alert rules, each on by default with a documented threshold that a provider admin may change for the
 * provider, a plan or a tenant. {@link #REPLACE_OFFLINE_CELL} is not an alert but the recovery that goes with
 * {@link #CELL_OFFLINE}: its threshold is how long a cell may stay silent before its instances are re-placed.
 */
public enum AlertRule {
    INSTANCE_NOT_READY("instance-not-ready", "an instance that should run has not been ready for longer than the threshold", "seconds", 120, true),
    CRASH_LOOPING("crash-looping", "an instance's replicas restarted at least threshold times within " + Windows.CRASH.toMinutes() + " minutes",
            "restarts", 3, true),
    ERROR_RATE("error-rate", "more than threshold % of an instance's requests were answered with a 5xx over " + Windows.TRAFFIC.toMinutes()
            + " minutes (at least " + Windows.MIN_REQUESTS + " requests)", "percent", 5, true),
    LATENCY_P99("latency-p99", "the p99 latency of an instance's requests over " + Windows.TRAFFIC.toMinutes() + " minutes is above the threshold"
            + " (at least " + Windows.MIN_REQUESTS + " requests)", "milliseconds", 2000, true),
    CELL_OFFLINE("cell-offline", "a cell's agent has not reported for longer than the threshold", "seconds", 60, false),
    REPLACE_OFFLINE_CELL("replace-offline-cell", "recovery, not an alert: the instances of a cell silent for longer than the threshold are"
            + " re-placed on other online cells with room (the least loaded first)", "seconds", 600, false),
    CERTIFICATE_EXPIRY("certificate-expiry", "a custom domain's certificate expires within the threshold, or a certificate the cell renews"
            + " has less than a sixth of its lifetime left (its renewal failed)", "days", 14, true),
    BACKUP_FAILED("backup-failed", "an instance's latest database backup failed (resolves when one succeeds)", "failures", 1, true),
    QUOTA_NEARLY_USED("quota-nearly-used", "a tenant uses at least the threshold % of a quota (its own, or a plan's for each tenant)",
            "percent", 90, true);

    /** An agent reports at least every 10 s: a cell silent for less than this says nothing. */
    public static final double MIN_CELL_SILENCE_SECONDS = 15;

    /** The windows the rules look back over. */
    public static final class Windows {
        /** Error rate and p99 are measured over this long. */
        public static final Duration TRAFFIC = Duration.ofMinutes(5);
        /** Restarts are counted over this long. */
        public static final Duration CRASH = Duration.ofMinutes(10);
        /** Fewer requests than this in the window say nothing about an error rate or a p99. */
        public static final int MIN_REQUESTS = 20;

        private Windows() {}
    }

    private final String id;
    private final String description;
    private final String unit;
    private final double defaultThreshold;
    private final boolean tenantScoped;

    AlertRule(String id, String description, String unit, double defaultThreshold, boolean tenantScoped) {
        this.id = id;
        this.description = description;
        this.unit = unit;
        this.defaultThreshold = defaultThreshold;
        this.tenantScoped = tenantScoped;
    }

    /** The rule's name in the API: {@code instance-not-ready}, … */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public String unit() {
        return unit;
    }

    public double defaultThreshold() {
        return defaultThreshold;
    }

    /** Whether its alerts are about a tenant's objects (and may be changed per plan or tenant), not the provider's cells. */
    public boolean tenantScoped() {
        return tenantScoped;
    }

    /** The lowest threshold that makes sense for the rule. */
    public double minThreshold() {
        return this == CELL_OFFLINE || this == REPLACE_OFFLINE_CELL ? MIN_CELL_SILENCE_SECONDS : 0;
    }

    public static Optional<AlertRule> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
