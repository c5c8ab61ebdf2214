package dev.tenantry.app;

import dev.tenantry.server.store.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which PostgreSQL to use: an external one by URL (flags or TENANTRY_DB_*), else the embedded one under the home directory. */
final class DatabaseOptions {
    @Option(names = "--db-url", description = "External PostgreSQL JDBC URL instead of the embedded one (env TENANTRY_DB_URL)")
    String url;

    @Option(names = "--db-user", description = "User for --db-url (env TENANTRY_DB_USER)")
    String user;

    @Option(names = "--db-password", description = "Password for --db-url (env TENANTRY_DB_PASSWORD)")
    String password;

    String url() {
        return url != null ? url : System.getenv("TENANTRY_DB_URL");
    }

    String user() {
        return user != null ? user : System.getenv("TENANTRY_DB_USER");
    }

    String password() {
        return password != null ? password : System.getenv("TENANTRY_DB_PASSWORD");
    }

    /** A database to connect to; {@code embedded} is set when this process started (or adopted) it and must stop it. */
    record Connection(String url, String user, String password, EmbeddedPostgres embedded) implements AutoCloseable {
        static Connection open(Path home, String url, String user, String password) throws IOException {
            if (url != null) return new Connection(url, user, password, null);
            EmbeddedPostgres postgres = EmbeddedPostgres.start(home.resolve("postgres"));
            return new Connection(postgres.jdbcUrl(), postgres.user(), postgres.password(), postgres);
        }

        @Override
        public void close() {
            if (embedded != null) embedded.close();
        }
    }
}
