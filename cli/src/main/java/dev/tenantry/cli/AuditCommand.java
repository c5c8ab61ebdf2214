package dev.tenantry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Show audit records, newest first.", mixinStandardHelpOptions = true)
public final class AuditCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin ClientOptions o;

    @Option(names = "--tenant", description = "Only records of this tenant")
    String tenant;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() {
        String query = "?limit=" + limit + (tenant == null ? "" : "&tenant=" + ApiClient.enc(tenant));
        return Output.run(o, c -> c.get("/v1/audit" + query), r -> {
            Table t = new Table("TIME", "ACTOR", "ACTION", "TARGET", "RESULT", "DETAIL");
            r.path("items").forEach(x -> t.row(x.path("time").asText(), x.path("actor").asText(), x.path("action").asText(),
                    x.path("target").asText(), x.path("result").asText(), Output.text(x, "detail")));
            t.print(System.out);
        });
    }
}
