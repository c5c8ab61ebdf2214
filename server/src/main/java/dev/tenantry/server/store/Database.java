package dev.tenantry.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/** The connection pool, the schema (migrated by Flyway at start) and the JDBI handle factory. */
public final class Database implements AutoCloseable {
    /**
     * How long a request waits for a connection before it answers 503 with {@code Retry-After}: short, so that with
     * PostgreSQL down callers hear so in about a second instead of hanging (and a saturated pool pushes back).
     */
    public static final java.time.Duration CONNECTION_TIMEOUT = java.time.Duration.ofMillis(1000);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    /** The connections to PostgreSQL a server replica keeps at most, unless configured otherwise. */
    public static final int DEFAULT_POOL = 16;

    /** With the default pool of {@value #DEFAULT_POOL} connections. */
    public Database(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, DEFAULT_POOL);
    }

    /** With at most {@code poolSize} connections open to PostgreSQL. */
    public Database(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        // a batch of inserts (a transaction's events, audit records) is one multi-row INSERT: one statement, not one per row
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.setPoolName("tenantry");
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(CONNECTION_TIMEOUT.toMillis() / 2);
        this.dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.jdbi = Jdbi.create(dataSource);
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** The connection pool, for libraries that manage their own tables (db-scheduler). */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** The pool's own figures (connections in use, idle, waited for), for metrics. */
    public com.zaxxer.hikari.HikariPoolMXBean pool() {
        return dataSource.getHikariPoolMXBean();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
