package dev.tenantry.server.store;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.model.DatabaseServer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * PostgreSQL servers for tenant data, each with the count of databases (or shared pools) placed on it: registered ones,
 * and dedicated ones, each run by the agent of its cell as a deployment of its own (published at a cell revision like an
 * instance, observed by the agent's reports, and removed with its data once the agent purged it).
 */
public final class DatabaseServerRepository {
    private static final String SELECT = "select s.*, (select count(*) from instance_databases d where d.server = s.name"
            + " and d.state <> 'dropped') as used from database_servers s";
    private final Handle h;

    DatabaseServerRepository(Handle h) {
        this.h = h;
    }

    public void insert(DatabaseServer s) {
        h.createUpdate("insert into database_servers (name, region, cell, host, port, admin_user, capacity, version)"
                        + " values (:n, :r, :c, :h, :p, :u, :cap, :v)")
                .bind("n", s.name()).bind("r", s.region()).bind("c", s.cell()).bind("h", s.host()).bind("p", s.port())
                .bind("u", s.adminUser()).bind("cap", s.capacity()).bind("v", s.version()).execute();
    }

    /** The state of a dedicated server as its cell runs it. */
    public record Dedicated(DatabaseServer server, Deployment deployment, boolean removing, long publishedRevision, ObservedInstance observed,
                            long agentRevision) {}

    /** A dedicated server, published to its cell at {@code revision}. */
    public void insertDedicated(DatabaseServer s, Deployment deployment, long revision) {
        h.createUpdate("insert into database_servers (name, region, cell, host, port, admin_user, capacity, version, dedicated_to, deployment,"
                        + " published_revision) values (:n, :r, :c, :h, :p, :u, 1, :v, :to, cast(:d as jsonb), :rev)")
                .bind("n", s.name()).bind("r", s.region()).bind("c", s.cell()).bind("h", s.host()).bind("p", s.port())
                .bind("u", s.adminUser()).bind("v", s.version()).bind("to", s.dedicatedTo()).bind("d", JsonColumns.write(deployment))
                .bind("rev", revision).execute();
    }

    public Optional<Dedicated> dedicatedTo(String instanceUid) {
        return h.createQuery(SELECT + " where s.dedicated_to = :u").bind("u", instanceUid)
                .map((rs, c) -> new Dedicated(row(rs), JsonColumns.read(rs, "deployment", Deployment.class), rs.getBoolean("removing"),
                        rs.getLong("published_revision"), JsonColumns.read(rs, "observed", ObservedInstance.class), rs.getLong("agent_revision")))
                .findOne();
    }

    /** The deployment of a dedicated server of the cell that is to run, by its uid. */
    public Optional<Deployment> deployment(String cell, String deploymentUid) {
        return h.createQuery("select deployment from database_servers where cell = :c and deployment->>'instanceUid' = :u and not removing")
                .bind("c", cell).bind("u", deploymentUid).map((rs, c) -> JsonColumns.read(rs, "deployment", Deployment.class)).findOne();
    }

    /** Marks the dedicated server to be removed; returns its cell, empty when it is already (or not a dedicated server). */
    public Optional<String> startRemoving(String name) {
        return h.createQuery("update database_servers set removing = true where name = :n and dedicated_to is not null and not removing"
                + " returning cell").bind("n", name).mapTo(String.class).findOne();
    }

    /** Lists the change of the dedicated server in its cell's desired state from {@code revision} on. */
    public void publishedAt(String name, long revision) {
        h.createUpdate("update database_servers set published_revision = :rev where name = :n").bind("n", name).bind("rev", revision).execute();
    }

    /**
     * Stores what the agent reports of the cell's dedicated servers (a full report: those it does not list are not
     * running), and forgets the removed ones it has purged; returns their names.
     */
    public List<String> saveReport(String cell, long agentRevision, boolean full, List<ObservedInstance> observed, List<String> removed) {
        // most cells run none: one cheap look instead of three statements on every report
        boolean any = h.createQuery("select exists (select 1 from database_servers where cell = :cell and deployment is not null)")
                .bind("cell", cell).map(FirstColumn.BOOLEAN).one();
        if (!any) return List.of();
        String[] uids = observed.stream().map(ObservedInstance::instanceUid).toArray(String[]::new);
        String[] json = observed.stream().map(JsonColumns::write).toArray(String[]::new);
        h.createUpdate("update database_servers s set observed = cast(v.o as jsonb), agent_revision = greatest(s.agent_revision, :rev)"
                        + " from unnest(cast(:uids as text[]), cast(:obs as text[])) as v(uid, o)"
                        + " where s.cell = :cell and s.deployment->>'instanceUid' = v.uid"
                        + " and (s.observed is distinct from cast(v.o as jsonb) or s.agent_revision < :rev)")
                .bind("cell", cell).bind("rev", agentRevision).bind("uids", uids).bind("obs", json).execute();
        String gone = full ? "s.deployment->>'instanceUid' <> all(cast(:uids as text[]))" : "s.deployment->>'instanceUid' = any(cast(:removed as text[]))";
        h.createUpdate("update database_servers s set observed = null, agent_revision = greatest(s.agent_revision, :rev)"
                        + " where s.cell = :cell and s.deployment is not null and " + gone
                        + " and (s.observed is not null or s.agent_revision < :rev)")
                .bind("cell", cell).bind("rev", agentRevision).bind("uids", uids).bind("removed", removed.toArray(String[]::new)).execute();
        List<String> purged = h.createQuery("select name from database_servers where cell = :cell and removing and observed is null"
                        + " and agent_revision >= published_revision order by name for update")
                .bind("cell", cell).mapTo(String.class).list();
        for (String name : purged) {
            h.createUpdate("update instance_databases set server = null where server = :s and (state = 'dropped' or drop_requested)")
                    .bind("s", name).execute();
            delete(name);
        }
        return purged;
    }

    public Optional<DatabaseServer> get(String name) {
        return h.createQuery(SELECT + " where s.name = :n").bind("n", name).map((rs, c) -> row(rs)).findOne();
    }

    public List<DatabaseServer> list() {
        return h.createQuery(SELECT + " order by s.name").map((rs, c) -> row(rs)).list();
    }

    public void updateAddress(String name, String host, int port, String adminUser, String version) {
        h.createUpdate("update database_servers set host = :h, port = :p, admin_user = :u, version = :v where name = :n")
                .bind("n", name).bind("h", host).bind("p", port).bind("u", adminUser).bind("v", version).execute();
    }

    public void delete(String name) {
        h.createUpdate("delete from database_servers where name = :n").bind("n", name).execute();
    }

    /**
     * Locks the servers that may hold a database of an instance on {@code cell} in {@code region}, those of the cell
     * itself first, then the emptiest: placement takes the first with room, one placement at a time per server.
     */
    public List<DatabaseServer> lockCandidates(String region, String cell) {
        List<String> names = h.createQuery("select name from database_servers where region = :r and (cell is null or cell = :c) and dedicated_to is null"
                        + " order by name for update")
                .bind("r", region).bind("c", cell).mapTo(String.class).list();
        return names.stream().map(n -> get(n).orElseThrow())
                .sorted(java.util.Comparator.comparing((DatabaseServer s) -> s.cell() == null)
                        .thenComparingDouble(s -> (double) s.used() / s.capacity()))
                .toList();
    }

    private static DatabaseServer row(ResultSet rs) throws SQLException {
        return new DatabaseServer(rs.getString("name"), rs.getString("region"), rs.getString("cell"), rs.getString("host"), rs.getInt("port"),
                rs.getString("admin_user"), rs.getInt("capacity"), rs.getInt("used"), rs.getString("version"),
                JsonColumns.instant(rs, "created_at"), rs.getString("dedicated_to"));
    }
}
