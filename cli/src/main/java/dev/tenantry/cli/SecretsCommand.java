package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Secrets of a service or of a tenant, given to the instances whose blueprint declares them. Values are never shown.")
public final class SecretsCommand {
    /** Exactly one of --service and --tenant. */
    static final class Where {
        @Option(names = "--service", required = true, description = "The service's secret (every tenant's instances)") String service;
        @Option(names = "--tenant", required = true, description = "The tenant's own secret (wins over the service's)") String tenant;

        String path() {
            return service != null ? "/v1/services/" + ApiClient.enc(service) + "/secrets" : "/v1/tenants/" + ApiClient.enc(tenant) + "/secrets";
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "set", description = "Set the secret's next version from a file or standard input (never from the command line,"
            + " which other users of the machine can see); instances that use it are updated one replica at a time.")
    int set(@Mixin ClientOptions o, @ArgGroup(multiplicity = "1") Where where, @Parameters(paramLabel = "NAME") String name,
            @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE (default: standard input)") Path file)
            throws IOException {
        String value = file != null ? Files.readString(file, StandardCharsets.UTF_8) : readStandardInput();
        return Output.run(o, c -> c.change("PUT", where.path() + "/" + ApiClient.enc(name), Map.of("value", value), null),
                r -> System.out.println("secret " + name + " set: version " + r.path("version").asInt()));
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The secrets set (names and versions).")
    int list(@Mixin ClientOptions o, @ArgGroup(multiplicity = "1") Where where) {
        return Output.run(o, c -> c.list(where.path()), r -> {
            Table t = new Table("NAME", "VERSION", "UPDATED", "BY");
            r.path("items").forEach(x -> t.row(x.path("name").asText(), x.path("version").asText(), x.path("updated").asText(),
                    x.path("updatedBy").asText()));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "get", description = "A secret's versions: when each was set and by whom, and when it was replaced.")
    int get(@Mixin ClientOptions o, @ArgGroup(multiplicity = "1") Where where, @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.get(where.path() + "/" + ApiClient.enc(name)), r -> {
            Table t = new Table("VERSION", "SET", "BY", "RETIRED");
            for (JsonNode v : r.path("history")) {
                t.row(v.path("version").asText(), v.path("created").asText(), v.path("createdBy").asText(), Output.text(v, "retired"));
            }
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "delete", description = "Retire the secret (refused while an instance that uses it would have no value left).")
    int delete(@Mixin ClientOptions o, @ArgGroup(multiplicity = "1") Where where, @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.delete(where.path() + "/" + ApiClient.enc(name)), r -> { });
    }

    /** The value typed (without echo) at a terminal, or all of standard input less one final newline. */
    static String readStandardInput() throws IOException {
        if (System.console() != null && System.in.available() == 0) {
            char[] typed = System.console().readPassword("value: ");
            return typed == null ? "" : new String(typed);
        }
        InputStream in = System.in;
        String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return all.endsWith("\n") ? all.substring(0, all.length() - 1) : all;
    }
}
