package dev.tenantry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cells", description = "Cells: units of capacity, each served by one agent.", mixinStandardHelpOptions = true)
public final class CellsCommand {

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List cells.")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.list("/v1/cells"), r -> {
            Table t = new Table("ID", "REGION", "DRIVER", "ONLINE", "INSTANCES", "CAPACITY", "REVISION", "LAST SEEN");
            r.path("items").forEach(x -> t.row(x.path("id").asText(), x.path("region").asText(), x.path("driver").asText(),
                    x.path("online").asText(), x.path("instances").asText(), x.path("capacity").asText(), x.path("revision").asText(),
                    Output.text(x, "lastSeen")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "join-token", description = "A one-time join token for the cell's agent (tenantry agent --join-token …), shown once.")
    int joinToken(@Mixin ClientOptions o, @Parameters(paramLabel = "CELL") String cell,
                  @Option(names = "--ttl-minutes", defaultValue = "60", description = "How long it may be used (default: ${DEFAULT-VALUE})") int ttl) {
        return Output.run(o, c -> c.post("/v1/cells/" + ApiClient.enc(cell) + "/join-tokens", java.util.Map.of("ttlMinutes", ttl)), r -> {
            System.out.println("join token for cell " + cell + ", good for one join until " + r.path("expiresAt").asText() + ":");
            System.out.println(r.path("token").asText());
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "revoke", description = "Cut the cell's agents off at once: its certificates issued before now and its agent tokens.")
    int revoke(@Mixin ClientOptions o, @Parameters(paramLabel = "CELL") String cell) {
        return Output.run(o, c -> c.post("/v1/cells/" + ApiClient.enc(cell) + "/revoke", java.util.Map.of()),
                r -> System.out.println("cell " + cell + " revoked: its agent must join again"));
    }

    @Command(mixinStandardHelpOptions = true, name = "cost-model", description = "Show the cell's cost model, or set it: what a core-hour of CPU, a GB-hour of memory and of storage cost.")
    int costModel(@Mixin ClientOptions o, @Parameters(paramLabel = "CELL") String cell,
                  @Option(names = "--core-hour", description = "Per core-hour of CPU used") java.math.BigDecimal coreHour,
                  @Option(names = "--memory-gb-hour", description = "Per GB-hour of resident memory") java.math.BigDecimal memoryGbHour,
                  @Option(names = "--storage-gb-hour", description = "Per GB-hour of data on disk") java.math.BigDecimal storageGbHour) {
        String path = "/v1/cells/" + ApiClient.enc(cell) + "/cost-model";
        boolean set = coreHour != null || memoryGbHour != null || storageGbHour != null;
        return Output.run(o, c -> {
            if (!set) return c.get(path);
            var current = c.get(path);
            java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("perCoreHour", coreHour != null ? coreHour : current.path("perCoreHour").decimalValue());
            body.put("perGbHourMemory", memoryGbHour != null ? memoryGbHour : current.path("perGbHourMemory").decimalValue());
            body.put("perGbHourStorage", storageGbHour != null ? storageGbHour : current.path("perGbHourStorage").decimalValue());
            return c.change("PUT", path, body, null);
        }, r -> System.out.println("cell " + cell + ": " + r.path("perCoreHour").asText() + " per core-hour, " + r.path("perGbHourMemory").asText()
                + " per GB-hour of memory, " + r.path("perGbHourStorage").asText() + " per GB-hour of storage"));
    }
}
