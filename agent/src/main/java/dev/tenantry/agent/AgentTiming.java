package dev.tenantry.agent;

import java.time.Duration;

/**
 * How an agent talks to its server: {@code longPoll}, how long one request for the desired state waits for a change
 * (default 25 s; below the proxies' idle timeouts); {@code heartbeat}, how often it looks at every instance and
 * reports, even when nothing changed (default 10 s; the server counts a cell online for 45 s after its last report);
 * {@code fullReport}, how often that report lists every instance rather than what changed since the last one
 * (default 5 min; and always after a start or a failed report), so that a cell of thousands of instances does not
 * make the server compare them all every few seconds.
 */
public record AgentTiming(Duration longPoll, Duration heartbeat, Duration fullReport) {
    public static final AgentTiming DEFAULT = new AgentTiming(Duration.ofSeconds(25), Duration.ofSeconds(10), Duration.ofMinutes(5));

    public AgentTiming {
        if (longPoll == null || longPoll.toSeconds() < 1 || longPoll.toSeconds() > 300) {
            throw new IllegalArgumentException("longPoll must be between 1 and 300 s, not " + longPoll);
        }
        if (heartbeat == null || heartbeat.toSeconds() < 1 || heartbeat.toSeconds() > 300) {
            throw new IllegalArgumentException("heartbeat must be between 1 and 300 s, not " + heartbeat);
        }
        if (fullReport == null || fullReport.compareTo(heartbeat) < 0 || fullReport.toHours() > 24) {
            throw new IllegalArgumentException("fullReport must be between the heartbeat (" + heartbeat + ") and 24 h, not " + fullReport);
        }
    }

    /**
     * The time until the next full report, in nanoseconds: {@code fullReport} less up to a tenth of it at random, so
     * that agents started together (a fleet's, a benchmark's) drift apart instead of having the server compare every
     * cell's instances at the same moment.
     */
    public long nextFullReportNanos(java.util.random.RandomGenerator random) {
        long every = fullReport.toNanos();
        return every - random.nextLong(every / 10 + 1);
    }
}
