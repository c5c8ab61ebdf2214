package dev.tenantry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "cells", description = "Cells: units of capacity, each served by one agent.", mixinStandardHelpOptions = true)
public final class CellsCommand {

    @Command(name = "list", description = "List cells.")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.get("/v1/cells"), r -> {
            Table t = new Table("ID", "REGION", "DRIVER", "ONLINE", "INSTANCES", "CAPACITY", "REVISION", "LAST SEEN");
            r.path("items").forEach(x -> t.row(x.path("id").asText(), x.path("region").asText(), x.path("driver").asText(),
                    x.path("online").asText(), x.path("instances").asText(), x.path("capacity").asText(), x.path("revision").asText(),
                    Output.text(x, "lastSeen")));
            t.print(System.out);
        });
    }
}
