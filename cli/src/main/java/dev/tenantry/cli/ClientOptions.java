package dev.tenantry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the API is and which token to use: flags first, then TENANTRY_API_URL / TENANTRY_TOKEN, then the context
 * named by --context or TENANTRY_CONTEXT, then the files dev mode writes into TENANTRY_HOME (api.url, admin.token)
 * when TENANTRY_HOME is set, then the current context ({@link Contexts}), then those files in the default home.
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

    @Option(names = "--context", description = "Talk to this saved control plane (env TENANTRY_CONTEXT; see 'tenantry context')")
    String context;

    String apiUrl() {
        if (apiUrl != null) return apiUrl;
        String env = System.getenv("TENANTRY_API_URL");
        if (env != null && !env.isBlank()) return env;
        Optional<Contexts.Context> chosen = chosenContext();
        if (chosen.isPresent()) return chosen.get().url();
        return readFile(home().resolve("api.url"), "http://127.0.0.1:7070");
    }

    String token() {
        if (token != null) return token;
        String env = System.getenv("TENANTRY_TOKEN");
        if (env != null && !env.isBlank()) return env;
        Optional<Contexts.Context> chosen = chosenContext();
        if (chosen.isPresent()) {
            try {
                return Files.readString(Path.of(chosen.get().tokenFile())).strip();
            } catch (IOException e) {
                throw new ApiClient.ApiException(-1, null, "cannot read the token file of the context: " + chosen.get().tokenFile());
            }
        }
        return readFile(home().resolve("admin.token"), null);
    }

    /**
     * The context named by --context or TENANTRY_CONTEXT (an unknown name is an error), else the current one unless
     * TENANTRY_HOME names a dev-mode home to use, if any.
     */
    private Optional<Contexts.Context> chosenContext() {
        // looked up once per command (URL, token and CA all come from it); a command line run again may name another
        if (chosen == null || !java.util.Objects.equals(chosenFor, context)) {
            chosen = findContext();
            chosenFor = context;
        }
        return chosen;
    }

    private Optional<Contexts.Context> chosen;
    private String chosenFor;

    private Optional<Contexts.Context> findContext() {
        String named = context != null ? context : System.getenv("TENANTRY_CONTEXT");
        Contexts contexts = Contexts.load();
        if (named != null && !named.isBlank()) {
            return Optional.of(contexts.get(named).orElseThrow(() -> new ApiClient.ApiException(-1, null, "no context '" + named + "'"
                    + (contexts.contexts().isEmpty() ? "" : "; there are: " + String.join(", ", contexts.contexts().keySet())))));
        }
        String home = System.getenv("TENANTRY_HOME");
        return home != null && !home.isBlank() ? Optional.empty() : contexts.get(null);
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
        Path ca = caFile != null ? caFile : System.getenv("TENANTRY_CA_FILE") != null ? Path.of(System.getenv("TENANTRY_CA_FILE"))
                : chosenContext().map(Contexts.Context::caFile).map(Path::of).orElse(null);
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
