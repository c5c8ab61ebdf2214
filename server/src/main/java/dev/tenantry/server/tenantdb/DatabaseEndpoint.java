package dev.tenantry.server.tenantdb;

import dev.tenantry.api.blueprint.BlueprintValidator;
import dev.tenantry.api.blueprint.Placeholders;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where an instance's workload connects: what its libpq variables and {@code {{database.*}}} placeholders say. */
public record DatabaseEndpoint(String host, int port, String database, String schema, String user) {
    /** The password's placeholder: the agent fills in the value when it starts a replica. */
    static final String PASSWORD = "{{" + Placeholders.SECRET + BlueprintValidator.DATABASE_PASSWORD + "}}";

    /** A JDBC URL with user and password (the password as a placeholder the agent fills in: environment variables only). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database
                + "?user=" + user + "&password=" + PASSWORD;
    }

    /** The environment every component gets: libpq's variables and {@code JDBC_DATABASE_URL}. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGDATABASE", database);
        env.put("PGUSER", user);
        env.put("PGPASSWORD", PASSWORD);
        env.put("JDBC_DATABASE_URL", jdbcUrl());
        return env;
    }

    /** The value of a {@code database.*} placeholder; null for other keys. */
    public String placeholder(String key) {
        return switch (key) {
            case "database.host" -> host;
            case "database.port" -> String.valueOf(port);
            case "database.name" -> database;
            case "database.schema" -> schema;
            case "database.user" -> user;
            case Placeholders.DATABASE_JDBC_URL -> jdbcUrl();
            default -> null;
        };
    }
}
