package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Usage from {@code from} to {@code to} (whole hours), one row per group ({@code groupBy}: tenant, instance, plan,
 * cell, hour or day), with the time no cell measured ({@code gaps}).
 */
public record Usage(Instant from, Instant to, String groupBy, List<Row> items, List<Gap> gaps) {
    /**
     * One group: its keys (e.g. {@code tenant}, or {@code tenant}, {@code instance}) and what its instances used:
     * instance-hours (by plan in {@code instanceHoursByPlan}), CPU core-hours, memory and storage GB-hours, requests and
     * body bytes through the gateway, and the revenue they bring at the plans' prices.
     */
    public record Row(Map<String, String> keys, double instanceHours, Map<String, Double> instanceHoursByPlan, double cpuCoreHours,
                      double memoryGbHours, double storageGbHours, long requests, long bytesIn, long bytesOut, double revenue) {}

    /** {@code missing}: nothing was measured on the cell then; {@code estimated}: its agent restarted, figures interpolated. */
    public record Gap(String cell, Instant from, Instant to, String kind, String detail) {}
}
