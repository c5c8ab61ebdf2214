package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backups", mixinStandardHelpOptions = true, description = "Backups of an instance's database: take, list, restore, fork.")
public final class BackupsCommand {
    private static String base(String tenant, String instance) {
        return "/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(instance) + "/backups";
    }

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Back the instance's database up now.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "INSTANCE") String instance,
               @Option(names = "--wait", description = "Wait until it is taken (or failed)") boolean wait,
               @Option(names = "--timeout", defaultValue = "600", description = "Seconds to wait (default: 600)") long timeout) {
        return Output.run(o, c -> {
            JsonNode backup = c.post(base(tenant, instance), null);
            if (!wait) return backup;
            JsonNode op = OperationWatcher.watch(c, backup.path("operation").asText(), Duration.ofSeconds(timeout), o.json());
            JsonNode taken = c.get(base(tenant, instance) + "/" + ApiClient.enc(backup.path("id").asText()));
            if (op.path("state").asText().equals("FAILED")) {
                throw new ApiClient.ApiException(0, null, "backup " + taken.path("id").asText() + " failed: " + op.path("error").asText());
            }
            return taken;
        }, r -> System.out.println("backup " + r.path("id").asText() + " " + r.path("state").asText()
                + (r.path("state").asText().equals("succeeded") ? ": " + r.path("message").asText() : "")));
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The instance's backups, the newest first.")
    int list(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "INSTANCE") String instance) {
        return Output.run(o, c -> c.list(base(tenant, instance)), r -> {
            Table t = new Table("ID", "TRIGGER", "STATE", "RELEASE", "MIGRATION", "ROWS", "BYTES", "CREATED");
            r.path("items").forEach(x -> t.row(x.path("id").asText(), x.path("trigger").asText(), x.path("state").asText(),
                    Output.text(x, "release"), Output.text(x, "migrationVersion"), Output.text(x, "rows"), Output.text(x, "sizeBytes"),
                    x.path("createdAt").asText()));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "restore", description = "Restore a backup into the instance (its data replaced at once, then its replicas restart),"
            + " or with --into into a new instance of the tenant (a fork).")
    int restore(@Mixin ClientOptions o, @Mixin InstancesCommand.Change change, @Parameters(paramLabel = "TENANT") String tenant,
                @Parameters(paramLabel = "INSTANCE") String instance, @Parameters(paramLabel = "BACKUP") String backup,
                @Option(names = "--into", paramLabel = "NEW_INSTANCE", description = "Fork: restore into a new instance of that name") String into) {
        return change.run(o, "POST", tenant, instance, "/backups/" + ApiClient.enc(backup) + "/restore", into == null ? null : Map.of("instance", into));
    }
}
