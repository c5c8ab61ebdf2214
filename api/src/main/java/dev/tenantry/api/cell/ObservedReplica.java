package dev.tenantry.api.cell;

import java.util.Map;

/** One replica process as the agent sees it. */
public record ObservedReplica(String component, int index, Long pid, Map<String, Integer> ports, boolean healthy,
                              int restarts, String message) {}
