package dev.tenantry.api.cell;

import java.time.Instant;

/** What a cell's gateway knows of one instance's traffic: its last request (for idle hibernation) and its request figures. */
public record InstanceTraffic(Instant lastRequestAt, TrafficStats stats) {}
