package dev.tenantry.api.cell;

/**
 * A client's request for a replica's log, relayed to the agent of the instance's cell: the last {@code tail} lines of
 * {@code replica}'s log ({@code web-0}) — of those written at or after {@code since}, when given — then, with
 * {@code follow}, what it writes from then on.
 */
public record LogRequest(String id, String instanceUid, String replica, int tail, boolean follow, java.time.Instant since) {
    public LogRequest(String id, String instanceUid, String replica, int tail, boolean follow) {
        this(id, instanceUid, replica, tail, follow, null);
    }
}
