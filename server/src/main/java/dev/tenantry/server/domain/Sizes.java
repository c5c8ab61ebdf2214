package dev.tenantry.server.domain;

import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.validation.Errors;

/** Validation of resource sizes (plans, their limits, scaling requests). */
final class Sizes {
    static final int MIN_MEMORY_MB = 16;
    static final int MIN_CPU_MILLIS = 10;

    private Sizes() {}

    /** Adds an error per field of {@code size} outside 16 MB..{@code maxMemoryMb} or 10..{@code maxCpuMillis} millicores. */
    static void check(Errors errors, String field, Resources size, int maxMemoryMb, int maxCpuMillis) {
        if (size == null) return;
        if (size.memoryMb() != null && (size.memoryMb() < MIN_MEMORY_MB || size.memoryMb() > maxMemoryMb)) {
            errors.add(field + ".memoryMb", "must be between " + MIN_MEMORY_MB + " and " + maxMemoryMb);
        }
        if (size.cpuMillis() != null && (size.cpuMillis() < MIN_CPU_MILLIS || size.cpuMillis() > maxCpuMillis)) {
            errors.add(field + ".cpuMillis", "must be between " + MIN_CPU_MILLIS + " and " + maxCpuMillis);
        }
    }
}
