package dev.tenantry.api.cell;

import java.time.Instant;
import java.util.Map;

/**
 * One replica process as the agent sees it. {@code startedAt} is when its current process was started and
 * {@code healthySince} when that process first passed its health check (null while it has not). A {@code standby}
 * replica runs the previous release after an upgrade, out of the routes, kept warm for an instant rollback.
 */
public record ObservedReplica(String component, int index, Long pid, Map<String, Integer> ports, boolean healthy,
                              int restarts, String message, Instant startedAt, Instant healthySince, String release, boolean standby) {}
