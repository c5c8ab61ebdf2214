package dev.tenantry.server.alerts;

import java.time.Instant;
import java.util.List;

/** What the rules look at, read in one go: instances with their traffic samples, cells, certificates, backups, quotas. */
public record AlertInputs(Instant now, List<InstanceFacts> instances, List<CellFacts> cells, List<CertificateFacts> certificates,
                          List<BackupFacts> failedBackups, List<QuotaFacts> quotas) {

    /** An instance the rules watch, by its tenant/name, with the counters of its latest report and of earlier samples. */
    public record InstanceFacts(String uid, String tenant, String name, String service, String plan, String phase, boolean ready,
                                Instant readySince, Sample now, List<Sample> earlier) {
        public String target() {
            return tenant + "/" + name;
        }

        /** The instance's subject in events: {@code tenants/<tenant>/<name>}. */
        public String subject() {
            return "tenants/" + target();
        }
    }

    /**
     * An instance's counters at one time: requests, 5xx and latency buckets as its gateway counted them since
     * {@code countingSince} for {@code release}, and its replicas' restarts.
     */
    public record Sample(Instant at, String release, Instant countingSince, long requests, long errors, List<Long> latencyBuckets,
                         int restarts) {
        public Sample {
            latencyBuckets = latencyBuckets == null ? List.of() : List.copyOf(latencyBuckets);
        }

        /** Whether the gateway's counters behind both are the same series (no reset by a new release in between). */
        boolean sameSeries(Sample later) {
            return java.util.Objects.equals(release, later.release) && java.util.Objects.equals(countingSince, later.countingSince);
        }
    }

    /** A cell and when its agent last reported (null: never). */
    public record CellFacts(String id, Instant lastSeen, Instant createdAt, int instances) {}

    /**
     * A certificate in use: {@code customDomain} ones are uploaded by a vendor (renewed by nobody but them); the others
     * are issued to a cell, which renews them on its own.
     */
    public record CertificateFacts(String host, boolean customDomain, String tenant, String service, String plan, String instance,
                                   Instant notBefore, Instant notAfter) {}

    /** A live instance whose latest backup failed. */
    public record BackupFacts(String tenant, String instance, String service, String plan, String backupId, Instant failedAt, String message) {}

    /** A quota of a tenant (its own: null service and plan; else a plan's, for each tenant) and what is used of one of its fields. */
    public record QuotaFacts(String tenant, String service, String plan, String field, long used, long limit) {}
}
