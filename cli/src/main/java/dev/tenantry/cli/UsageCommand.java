package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Usage per tenant (or instance, plan, cell, hour, day): instance-hours, CPU, memory, storage, requests, bytes, revenue.")
public final class UsageCommand implements Callable<Integer> {
    @Mixin ClientOptions o;

    @Option(names = "--tenant", description = "Only this tenant's usage")
    String tenant;

    @Option(names = "--from", description = "A date (2026-12-01) or time (2026-12-01T10:00:00Z); default: 24 hours before --to")
    String from;

    @Option(names = "--to", description = "Default: now")
    String to;

    @Option(names = "--group-by", defaultValue = "tenant", description = "tenant (default), instance, plan, cell, hour or day")
    String groupBy;

    @Option(names = "--csv", description = "Print CSV (the API's text/csv)")
    boolean csv;

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("/v1/usage?groupBy=").append(ApiClient.enc(groupBy));
        if (tenant != null) q.append("&tenant=").append(ApiClient.enc(tenant));
        if (from != null) q.append("&from=").append(ApiClient.enc(from));
        if (to != null) q.append("&to=").append(ApiClient.enc(to));
        if (csv) {
            try {
                System.out.print(o.client().getText(q + "&format=csv"));
                return 0;
            } catch (ApiClient.ApiException e) {
                Output.printProblem(e);
                return 1;
            }
        }
        return Output.run(o, c -> c.get(q.toString()), r -> {
            Table t = new Table(groupBy.toUpperCase(Locale.ROOT), "INSTANCE-H", "CPU CORE-H", "MEMORY GB-H", "STORAGE GB-H", "REQUESTS", "BYTES OUT", "REVENUE");
            r.path("items").forEach(x -> t.row(keys(x.path("keys")), num(x, "instanceHours"), num(x, "cpuCoreHours"), num(x, "memoryGbHours"),
                    num(x, "storageGbHours"), x.path("requests").asText(), x.path("bytesOut").asText(), num(x, "revenue")));
            t.print(System.out);
            System.out.println("from " + r.path("from").asText() + " to " + r.path("to").asText());
            r.path("gaps").forEach(g -> System.out.println("gap (" + g.path("kind").asText() + ") " + g.path("from").asText() + " – "
                    + g.path("to").asText() + ": " + g.path("detail").asText()));
        });
    }

    static String keys(JsonNode keys) {
        StringBuilder s = new StringBuilder();
        keys.properties().forEach(e -> s.append(s.isEmpty() ? "" : "/").append(e.getValue().asText()));
        return s.toString();
    }

    static String num(JsonNode node, String field) {
        return String.format(Locale.ROOT, "%.6f", node.path(field).asDouble());
    }
}
