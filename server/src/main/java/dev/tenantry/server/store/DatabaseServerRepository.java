package dev.tenantry.server.store;

import dev.tenantry.api.model.DatabaseServer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** PostgreSQL servers registered for tenant data, each with the count of databases (or shared pools) placed on it. */
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
        List<String> names = h.createQuery("select name from database_servers where region = :r and (cell is null or cell = :c)"
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
                JsonColumns.instant(rs, "created_at"));
    }
}
