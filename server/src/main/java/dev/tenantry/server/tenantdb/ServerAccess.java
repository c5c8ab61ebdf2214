package dev.tenantry.server.tenantdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** How the control plane reaches a database server as its admin. The password is never shown ({@link #toString}). */
public record ServerAccess(String host, int port, String adminUser, String adminPassword) {
    /** How long a connection attempt may take before the server counts as unreachable. */
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** A connection to {@code database} as the admin, autocommit on. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", adminUser);
        props.setProperty("password", adminPassword);
        props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "tenantry");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    @Override
    public String toString() {
        return "ServerAccess[" + adminUser + "@" + host + ":" + port + "]";
    }
}
