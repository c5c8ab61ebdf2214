package dev.tenantry.server.store;

import dev.tenantry.api.cell.LogRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Clients' requests for replicas' logs, and the chunks of log the agents posted for them that their clients have not
 * read yet: in the database, so that every server replica can hand a request to its cell's agent and take its chunks.
 */
public final class LogRequestRepository {
    private final Handle h;

    LogRequestRepository(Handle h) {
        this.h = h;
    }

    /** A log chunk taken for its client: the bytes and whether nothing follows. */
    public record Chunk(byte[] bytes, boolean last) {}

    /** What became of a chunk an agent posted. */
    public enum Added { ADDED, FULL, GONE }

    /** A request for a log of an instance of {@code tenant} on {@code cell}. */
    public void insert(String cell, String tenant, LogRequest request) {
        h.createUpdate("insert into log_requests (id, cell, tenant, request) values (:id, :cell, :tenant, cast(:request as jsonb))")
                .bind("id", request.id()).bind("cell", cell).bind("tenant", tenant).bind("request", JsonColumns.write(request)).execute();
    }

    /** How many requests for the cell are open. */
    public int openFor(String cell) {
        return h.createQuery("select count(*) from log_requests where cell = :cell").bind("cell", cell).mapTo(Integer.class).one();
    }

    /** How many requests for the cell are open for logs of the tenant's instances. */
    public int openFor(String cell, String tenant) {
        return h.createQuery("select count(*) from log_requests where cell = :cell and tenant = :tenant")
                .bind("cell", cell).bind("tenant", tenant).mapTo(Integer.class).one();
    }

    /** Removes the requests older than {@code atMost}, with their chunks; how many. */
    public int deleteOlderThan(Duration atMost) {
        return h.createUpdate("delete from log_requests where created_at < now() - cast(:age as interval)")
                .bind("age", atMost.toSeconds() + " seconds").execute();
    }

    /** The cell's requests no agent took yet, now taken, oldest first. */
    public List<LogRequest> take(String cell) {
        return h.createQuery("with taken as (update log_requests set taken = true where cell = :cell and not taken returning request, created_at)"
                        + " select request from taken order by created_at")
                .bind("cell", cell).map((rs, c) -> JsonColumns.read(rs, "request", LogRequest.class)).list();
    }

    /**
     * How much may wait for clients: chunks and bytes per request (a client that reads slowly), and bytes per cell (all
     * its requests'), so that relayed logs cannot fill the database.
     */
    public record Room(int chunks, long requestBytes, long cellBytes) {}

    /**
     * Adds a chunk for the request if it is open, of {@code cell}, and there is {@code room} for it; {@code GONE}: there
     * is no such request (its client went away).
     */
    public Added addChunk(String cell, String id, byte[] bytes, boolean last, Room room) {
        // octet_length of a bytea reads the size from its header, without fetching stored values
        int added = h.createUpdate("insert into log_chunks (request_id, bytes, last) select id, :bytes, :last from log_requests"
                        + " where id = :id and cell = :cell"
                        + " and (select count(*) from log_chunks where request_id = :id) < :chunks"
                        + " and (select coalesce(sum(octet_length(bytes)), 0) from log_chunks where request_id = :id) + :size <= :requestBytes"
                        + " and (select coalesce(sum(octet_length(c.bytes)), 0) from log_chunks c join log_requests r on r.id = c.request_id"
                        + " where r.cell = :cell) + :size <= :cellBytes")
                .bind("id", id).bind("cell", cell).bind("bytes", bytes).bind("last", last).bind("size", (long) bytes.length)
                .bind("chunks", room.chunks()).bind("requestBytes", room.requestBytes()).bind("cellBytes", room.cellBytes()).execute();
        if (added > 0) return Added.ADDED;
        boolean open = h.createQuery("select exists (select 1 from log_requests where id = :id and cell = :cell)")
                .bind("id", id).bind("cell", cell).mapTo(Boolean.class).one();
        return open ? Added.FULL : Added.GONE;
    }

    /** Takes the request's oldest waiting chunk, if any. */
    public Optional<Chunk> takeNextChunk(String id) {
        return h.createQuery("delete from log_chunks where request_id = :id and seq = (select min(seq) from log_chunks where request_id = :id)"
                        + " returning bytes, last")
                .bind("id", id).map((rs, c) -> new Chunk(rs.getBytes("bytes"), rs.getBoolean("last"))).findOne();
    }

    /** The request is over (its client got everything or went away): it and its chunks are removed. */
    public void delete(String id) {
        h.createUpdate("delete from log_requests where id = :id").bind("id", id).execute();
    }
}
