package dev.tenantry.server.store;

import dev.tenantry.api.model.Cell;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

public final class CellRepository {
    /** live_instances: kept by a trigger on instances (V36), so that no query counts the fleet's instances. */
    private static final String SELECT = "select c.*, c.live_instances as instance_count,"
            + " coalesce(c.last_seen > now() - cast(:online as interval), false) as online from cells c";
    private static final Duration SEEN_RESOLUTION = Duration.ofSeconds(2);
    /** The first key of the two-key advisory locks that serialise placement per cell. */
    private final Handle h;
    private final Duration online;

    CellRepository(Handle h, Duration online) {
        this.h = h;
        this.online = online;
    }

    /** Registers a cell, or updates its region, driver and capacity if it exists. */
    public void upsert(String id, dev.tenantry.api.cell.CellRegistration r) {
        h.createUpdate("insert into cells (id, region, driver, capacity, base_domain, endpoint_template, database_address)"
                        + " values (:id, :r, :d, :c, :b, :e, :db) on conflict (id) do update set region = :r, driver = :d, capacity = :c,"
                        + " base_domain = :b, endpoint_template = :e, database_address = :db")
                .bind("id", id).bind("r", r.region()).bind("d", r.driver()).bind("c", r.capacity()).bind("b", r.baseDomain())
                .bind("e", r.endpointTemplate()).bind("db", r.databaseAddress()).execute();
    }

    public List<Cell> list() {
        return h.createQuery(SELECT + " order by c.id").bind("online", online.toMillis() + " milliseconds").map((rs, c) -> row(rs)).list();
    }

    /**
     * Up to {@code limit} online cells with room, in {@code domain.Placement.candidates}' order (the
     * least loaded first, then by id): what a placement reads, however many cells there are.
     */
    public List<Cell> placementCandidates(int limit) {
        return h.createQuery(SELECT + " where c.last_seen > now() - cast(:online as interval) and c.live_instances < c.capacity"
                        + " order by cast(c.live_instances as float8) / c.capacity, c.id limit :limit")
                .bind("online", online.toMillis() + " milliseconds").bind("limit", limit).map((rs, c) -> row(rs)).list();
    }

    public Optional<Cell> get(String id) {
        return h.createQuery(SELECT + " where c.id = :id").bind("id", id).bind("online", online.toMillis() + " milliseconds")
                .map((rs, c) -> row(rs)).findOne();
    }

    /** How a cell names its instances' hosts and endpoints (a reconcile pass reads it with its instance: {@code InstanceRepository.lockForPass}). */
    public record Address(String baseDomain, String endpointTemplate) {
        public String endpoint(String host) {
            return endpointTemplate.replace("{host}", host);
        }
    }

    /**
     * Locks the cell's row until the transaction ends and counts its live instances then: placements on one cell, from
     * any number of reconcile workers and server replicas, follow one another, each seeing the ones before (a row lock
     * waited for reads the row as its holder committed it). The lock a placement needs anyway: placing an instance
     * counts it into this row ({@code live_instances}, a trigger) and publishing it bumps the row's revision. {@code FOR
     * NO KEY UPDATE}: instances referring to the cell meanwhile are not held up. {@link Integer#MAX_VALUE} when the
     * cell is gone.
     */
    public int lockAndCountInstances(String id) {
        return h.createQuery("select live_instances from cells where id = :id for no key update").bind("id", id).map(FirstColumn.INT)
                .findOne().orElse(Integer.MAX_VALUE);
    }

    /** The same without waiting, in one statement: empty when another transaction holds the cell's row (or it is gone). */
    public java.util.OptionalInt tryLockAndCountInstances(String id) {
        return h.createQuery("select live_instances from cells where id = :id for no key update skip locked").bind("id", id)
                .map(FirstColumn.INT).findOne().map(java.util.OptionalInt::of).orElse(java.util.OptionalInt.empty());
    }

    /** Bumps the cell's desired-state revision, so that its agent's long poll returns; returns the new revision. */
    public long bumpRevision(String id) {
        return h.createQuery("update cells set revision = revision + 1 where id = :id returning revision").bind("id", id)
                .map(FirstColumn.LONG).one();
    }

    /** The cell's revision; empty if there is no such cell. */
    public Optional<Long> revision(String id) {
        return h.createQuery("select revision from cells where id = :id").bind("id", id).map(FirstColumn.LONG).findOne();
    }

    /**
     * Records that the cell's agent reported; false when there is no such cell. The row is written only when its last
     * report is older than {@link #SEEN_RESOLUTION} or came from another agent: reports come every few hundred
     * milliseconds while instances start, and writing the row each time would wait for every reconcile pass that
     * holds it (a pass bumps the cell's revision).
     */
    public boolean seen(String id, String agentId) {
        return h.createQuery("with written as (update cells set last_seen = now(), agent_id = :a where id = :id"
                        + " and (last_seen is null or last_seen < now() - cast(:resolution as interval) or agent_id is distinct from :a))"
                        + " select exists (select 1 from cells where id = :id)")
                .bind("id", id).bind("a", agentId).bind("resolution", SEEN_RESOLUTION.toMillis() + " milliseconds")
                .map(FirstColumn.BOOLEAN).one();
    }

    private static Cell row(ResultSet rs) throws SQLException {
        return new Cell(rs.getString("id"), rs.getString("region"), rs.getString("driver"), rs.getString("base_domain"),
                rs.getString("endpoint_template"), rs.getBoolean("online"),
                JsonColumns.instant(rs, "last_seen"), rs.getLong("revision"), rs.getInt("instance_count"), rs.getInt("capacity"),
                JsonColumns.instant(rs, "created_at"), rs.getString("database_address"));
    }
}
