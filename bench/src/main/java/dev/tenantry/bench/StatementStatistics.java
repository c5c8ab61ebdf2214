package dev.tenantry.bench;

import dev.tenantry.server.store.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL counting the statements it runs ({@code pg_stat_statements}, with {@code pg_walinspect}) for the benchmarks'
 * {@code -Dbench.dbStats=true}: what a create costs the database, statement by statement, measured rather than guessed.
 */
final class StatementStatistics {
    private StatementStatistics() {}

    /** The same PostgreSQL started again with pg_stat_statements loaded, both extensions created. */
    static EmbeddedPostgres loadInto(EmbeddedPostgres postgres, Path dataDir) throws Exception {
        try (Connection c = connect(postgres); Statement s = c.createStatement()) {
            s.execute("alter system set shared_preload_libraries = 'pg_stat_statements'");
            s.execute("alter system set pg_stat_statements.track_planning = on");
        }
        postgres.close();
        EmbeddedPostgres restarted = EmbeddedPostgres.start(dataDir);
        try (Connection c = connect(restarted); Statement s = c.createStatement()) {
            s.execute("create extension pg_stat_statements");
            s.execute("create extension pg_walinspect");
        }
        return restarted;
    }

    static Connection connect(EmbeddedPostgres postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    /** Forgets what was counted so far: the next {@link #printPerCreate} covers what runs from now on. */
    static void reset(EmbeddedPostgres postgres) throws SQLException {
        try (Connection c = connect(postgres); Statement s = c.createStatement()) {
            s.execute("select pg_stat_statements_reset()");
        }
    }

    /**
     * Prints, per create, the statements counted since the last {@link #reset} (the explicit transactions among them:
     * their BEGINs) and the most frequent ones; the benchmark's own looks at the statistics are left out.
     */
    static void printPerCreate(EmbeddedPostgres postgres, int creates) throws SQLException {
        String ours = " where query not like '%pg_stat_statements%'";
        try (Connection c = connect(postgres); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select coalesce(sum(calls), 0), coalesce(sum(calls) filter (where query = 'BEGIN'), 0),"
                    + " coalesce(sum(total_exec_time), 0) from pg_stat_statements" + ours)) {
                rs.next();
                System.out.printf("  PostgreSQL statements per create: %.1f (explicit transactions %.1f), execution %.2f ms per create (waits for locks included)%n",
                        rs.getLong(1) / (double) creates, rs.getLong(2) / (double) creates, rs.getDouble(3) / creates);
            }
            try (ResultSet rs = s.executeQuery("select calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) from pg_stat_statements"
                    + ours + " order by calls desc limit 12")) {
                while (rs.next()) System.out.printf("    %5.2f  %s%n", rs.getLong(1) / (double) creates, rs.getString(2));
            }
            try (ResultSet rs = s.executeQuery("select coalesce(sum(total_plan_time), 0), coalesce(sum(plans), 0) from pg_stat_statements" + ours)) {
                rs.next();
                System.out.printf("  planning: %.3f ms per create (%.1f plans per create)%n", rs.getDouble(1) / creates, rs.getLong(2) / (double) creates);
            }
            try (ResultSet rs = s.executeQuery("select calls, plans, total_plan_time, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 90)"
                    + " from pg_stat_statements" + ours + " order by total_plan_time + total_exec_time desc limit 15")) {
                System.out.println("  by time (calls, plans, plan ms, exec ms, per create):");
                while (rs.next()) System.out.printf("    %5.2f %5.2f %7.3f %7.3f  %s%n", rs.getLong(1) / (double) creates, rs.getLong(2) / (double) creates,
                        rs.getDouble(3) / creates, rs.getDouble(4) / creates, rs.getString(5));
            }
        }
    }
}
