package dev.tenantry.server.tenantdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Directories;
import dev.tenantry.server.store.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A shared pool's tables shared out among its tenants by the bytes of their rows: the shares add up to the tables' whole
 * size (rows, indexes, TOAST), a tenant with three times the rows gets three times the share, tables without the tenant
 * column are not the tenants', and a large table read from a sample of its pages gives about the same shares. Real
 * PostgreSQL (embedded).
 */
class SharedPoolSharesIT {
    @Test
    void eachTenantGetsItsShareOfTheSharedTables() throws Exception {
        Path home = Files.createTempDirectory("tenantry-pool-shares-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(home.resolve("pgdata"));
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             Statement s = c.createStatement()) {
            s.execute("create table notes (id bigserial primary key, body text not null, tenantry_tenant text not null)");
            // three rows of tenant a for every one of b, interleaved, so that every page holds both
            s.execute("insert into notes (body, tenantry_tenant) select repeat('x', 100), case when i % 4 = 0 then 't_b' else 't_a' end"
                    + " from generate_series(1, 40000) i");
            s.execute("create table settings (k text primary key, v text)");
            s.execute("insert into settings select i::text, repeat('y', 500) from generate_series(1, 1000) i");
            s.execute("analyze");
            long notesTotal = longOf(s, "select pg_total_relation_size('notes')");

            Map<String, Long> whole = SharedPoolShares.of(c, Long.MAX_VALUE);
            assertThat(whole).containsOnlyKeys("t_a", "t_b");
            assertThat(whole.get("t_a") + whole.get("t_b")).as("the shared table's whole size, the other table not the tenants'")
                    .isBetween(notesTotal - 1, notesTotal + 1);
            assertThat(whole.get("t_a") / (double) whole.get("t_b")).as("three times the rows").isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.01));

            long heap = longOf(s, "select pg_relation_size('notes')");
            Map<String, Long> sampled = SharedPoolShares.of(c, heap / 5);
            assertThat(sampled.get("t_a") + sampled.get("t_b")).as("sampled: still the whole size shared out").isBetween(notesTotal - 1, notesTotal + 1);
            assertThat(sampled.get("t_a") / (double) sampled.get("t_b")).as("from a fifth of the pages").isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.3));
            assertThat(SharedPoolShares.of(c, heap / 5)).as("the same pages each time").isEqualTo(sampled);
        } finally {
            Directories.deleteTree(home);
        }
    }

    private static long longOf(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
