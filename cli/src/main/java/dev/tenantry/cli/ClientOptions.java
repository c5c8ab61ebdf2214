package dev.tenantry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the API is and which token to use: flags first, then TENANTRY_API_URL / TENANTRY_TOKEN, then
 * the files dev mode writes into TENANTRY_HOME (api.url, admin.token).
 */
public final class ClientOptions {
    @Option(names = "--api-url", description = "API base URL (env TENANTRY_API_URL; default: $TENANTRY_HOME/api.url, else http://127.0.0.1:7070)")
    String apiUrl;

    @Option(names = "--token", description = "API token (env TENANTRY_TOKEN; default: $TENANTRY_HOME/admin.token)")
    String token;

    /** How a command prints what it got: a table for people, or the API's answer as JSON or YAML. */
    enum Format { table, json, yaml }

    @Option(names = {"-o", "--output"}, description = "Output format: ${COMPLETION-CANDIDATES} (default: table)", defaultValue = "table")
    Format output;

    /**
     * {@code TENANTRY_HOME}, else {@code ~/.tenantry}; for root {@code /var/lib/tenantry}, which (unlike {@code /root})
     * other users may pass through, so that each tenant's workloads can run as a user of its own.
     */
    public static Path home() {
        String env = System.getenv("TENANTRY_HOME");
        if (env != null && !env.isBlank()) return Path.of(env);
        return "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/tenantry") : Path.of(System.getProperty("user.home"), ".tenantry");
    }

    String apiUrl() {
        if (apiUrl != null) return apiUrl;
        String env = System.getenv("TENANTRY_API_URL");
        if (env != null && !env.isBlank()) return env;
        return readFile(home().resolve("api.url"), "http://127.0.0.1:7070");
    }

    String token() {
        if (token != null) return token;
        String env = System.getenv("TENANTRY_TOKEN");
        if (env != null && !env.isBlank()) return env;
        return readFile(home().resolve("admin.token"), null);
    }

    /** Machine-readable output (JSON or YAML): no progress lines, errors in the same format. */
    boolean json() {
        return output != Format.table;
    }

    Format format() {
        return output;
    }

    @Option(names = "--ca-file", description = "Trust the API's HTTPS certificate by this CA (PEM, from GET /v1/ca; env TENANTRY_CA_FILE)")
    Path caFile;

    ApiClient client() {
        Path ca = caFile != null ? caFile : System.getenv("TENANTRY_CA_FILE") == null ? null : Path.of(System.getenv("TENANTRY_CA_FILE"));
        try {
            return new ApiClient(apiUrl(), token(), ca == null ? null : dev.tenantry.api.TrustedCa.context(ca));
        } catch (IOException e) {
            throw new ApiClient.ApiException(0, null, e.getMessage());
        }
    }

    private static String readFile(Path file, String fallback) {
        try {
            return Files.exists(file) ? Files.readString(file).strip() : fallback;
        } catch (IOException e) {
            return fallback;
        }
    }
}
