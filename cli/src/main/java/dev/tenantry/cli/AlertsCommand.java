package dev.tenantry.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "alerts", description = "Alerts firing now (--all: resolved ones too); the rules and their overrides.", mixinStandardHelpOptions = true,
        subcommands = {AlertsCommand.Rules.class, AlertsCommand.Set.class, AlertsCommand.Unset.class})
public final class AlertsCommand implements Callable<Integer> {
    @Mixin ClientOptions o;

    @Option(names = "--tenant", description = "Only this tenant's alerts")
    String tenant;

    @Option(names = "--rule", description = "Only this rule's alerts (see: tenantry alerts rules)")
    String rule;

    @Option(names = "--all", description = "Resolved alerts too, the newest first")
    boolean all;

    @Option(names = "--limit", defaultValue = "100")
    int limit;

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("?limit=").append(limit);
        if (!all) q.append("&state=firing");
        if (tenant != null) q.append("&tenant=").append(ApiClient.enc(tenant));
        if (rule != null) q.append("&rule=").append(ApiClient.enc(rule));
        return Output.run(o, c -> c.get("/v1/alerts" + q), r -> {
            Table t = new Table("STATE", "RULE", "TARGET", "SINCE", "RESOLVED", "MESSAGE");
            r.path("items").forEach(x -> t.row(x.path("state").asText(), x.path("rule").asText(), x.path("target").asText(), x.path("since").asText(),
                    Output.text(x, "resolvedAt"), x.path("message").asText()));
            t.print(System.out);
        });
    }

    @Command(name = "rules", mixinStandardHelpOptions = true, description = "The built-in rules, their default thresholds and overrides.")
    static final class Rules implements Callable<Integer> {
        @Mixin ClientOptions o;

        @Override
        public Integer call() {
            return Output.run(o, c -> c.get("/v1/alert-rules"), r -> {
                Table t = new Table("RULE", "DEFAULT", "UNIT", "OVERRIDES", "WATCHES");
                r.path("items").forEach(x -> {
                    StringBuilder overrides = new StringBuilder();
                    x.path("overrides").forEach(v -> overrides.append(overrides.isEmpty() ? "" : ", ").append(scope(v))
                            .append(v.path("enabled").isBoolean() && !v.path("enabled").asBoolean() ? " off" : "")
                            .append(v.path("threshold").isNumber() ? " " + v.path("threshold").asDouble() : ""));
                    t.row(x.path("name").asText(), String.valueOf(x.path("defaultThreshold").asDouble()), x.path("unit").asText(),
                            overrides.isEmpty() ? "-" : overrides.toString(), x.path("description").asText());
                });
                t.print(System.out);
            });
        }

        private static String scope(com.fasterxml.jackson.databind.JsonNode v) {
            if (v.hasNonNull("tenant")) return "tenant " + v.path("tenant").asText();
            if (v.hasNonNull("plan")) return "plan " + v.path("service").asText() + "/" + v.path("plan").asText();
            return "provider";
        }
    }

    /** Which override: the provider's (neither option), a plan's or a tenant's. */
    static final class Scope {
        @Option(names = "--tenant", description = "For this tenant")
        String tenant;

        @Option(names = "--plan", paramLabel = "SERVICE/PLAN", description = "For instances on this plan")
        String plan;

        /** The scope's fields (tenant; or service and plan; or none); null after printing why --plan is malformed. */
        Map<String, Object> fields() {
            Map<String, Object> fields = new LinkedHashMap<>();
            if (tenant != null) fields.put("tenant", tenant);
            if (plan != null) {
                String[] parts = plan.split("/", 2);
                if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                    System.err.println("error: --plan takes SERVICE/PLAN, e.g. hello/starter");
                    return null;
                }
                fields.put("service", parts[0]);
                fields.put("plan", parts[1]);
            }
            return fields;
        }

        String describe() {
            return tenant != null ? "tenant " + tenant : plan != null ? "plan " + plan : "the provider";
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a rule for the provider, a plan (--plan SERVICE/PLAN) or a tenant (--tenant): its threshold, or turn it on or off.")
    static final class Set implements Callable<Integer> {
        @Mixin ClientOptions o;

        @Parameters(paramLabel = "RULE")
        String rule;

        @ArgGroup(exclusive = true)
        Scope scope = new Scope();

        @Option(names = "--threshold", description = "In the rule's unit (see: tenantry alerts rules)")
        Double threshold;

        @Option(names = "--enabled", arity = "1", paramLabel = "true|false", description = "Turn the rule on or off for that scope")
        Boolean enabled;

        @Override
        public Integer call() {
            Map<String, Object> body = scope.fields();
            if (body == null) return 2;
            if (threshold != null) body.put("threshold", threshold);
            if (enabled != null) body.put("enabled", enabled);
            return Output.run(o, c -> c.change("PUT", "/v1/alert-rules/" + ApiClient.enc(rule) + "/overrides", body, null),
                    r -> System.out.println("rule " + rule + " changed for " + scope.describe()));
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove a rule's override for the provider, a plan or a tenant.")
    static final class Unset implements Callable<Integer> {
        @Mixin ClientOptions o;

        @Parameters(paramLabel = "RULE")
        String rule;

        @ArgGroup(exclusive = true)
        Scope scope = new Scope();

        @Override
        public Integer call() {
            Map<String, Object> fields = scope.fields();
            if (fields == null) return 2;
            StringBuilder query = new StringBuilder();
            fields.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=').append(ApiClient.enc(v.toString())));
            return Output.run(o, c -> {
                c.delete("/v1/alert-rules/" + ApiClient.enc(rule) + "/overrides" + query);
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("rule", rule).put("removed", scope.describe());
            }, r -> System.out.println("override of rule " + rule + " for " + scope.describe() + " removed"));
        }
    }
}
