package dev.tenantry.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "margin", mixinStandardHelpOptions = true,
        description = "Revenue, cost and margin per tenant (lowest margin first) and the heavy hitters; costs from the cells' cost models"
                + " (tenantry cells cost-model), revenue from the plans' prices.")
public final class MarginCommand implements Callable<Integer> {
    @Mixin ClientOptions o;

    @Option(names = "--from", description = "A date (2026-12-01) or time; default: 24 hours before --to")
    String from;

    @Option(names = "--to", description = "Default: now")
    String to;

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("/v1/margin");
        if (from != null) q.append(q.indexOf("?") < 0 ? "?" : "&").append("from=").append(ApiClient.enc(from));
        if (to != null) q.append(q.indexOf("?") < 0 ? "?" : "&").append("to=").append(ApiClient.enc(to));
        return Output.run(o, c -> c.get(q.toString()), r -> {
            Table t = new Table("TENANT", "REVENUE", "COST", "MARGIN", "COST/REVENUE", "INSTANCE-H", "CPU CORE-H", "MEMORY GB-H");
            r.path("tenants").forEach(x -> t.row(x.path("tenant").asText(), UsageCommand.num(x, "revenue"), UsageCommand.num(x, "cost"),
                    UsageCommand.num(x, "margin"), x.hasNonNull("costToRevenue") ? UsageCommand.num(x, "costToRevenue") : "-",
                    UsageCommand.num(x, "instanceHours"), UsageCommand.num(x, "cpuCoreHours"), UsageCommand.num(x, "memoryGbHours")));
            t.print(System.out);
            System.out.println("heavy hitters: highest cost " + r.path("highestCost") + "; highest cost against revenue " + r.path("highestCostToRevenue"));
        });
    }
}
