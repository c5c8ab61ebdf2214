package dev.tenantry.api.model;

/** A tenant's quota (null: the plans' apply) and what its live instances use of it now. */
public record QuotaUsage(String tenant, Quota quota, Usage usage) {
    /** Live instances, and their CPU (millicores) and memory (MiB) over all replicas. */
    public record Usage(int instances, long cpuMillis, long memoryMb) {
        public Usage plus(Usage other) {
            return new Usage(instances + other.instances, cpuMillis + other.cpuMillis, memoryMb + other.memoryMb);
        }

        public static final Usage NONE = new Usage(0, 0, 0);
    }
}
