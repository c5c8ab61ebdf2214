package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "instances", description = "Provision, list, show and delete tenants' instances.", mixinStandardHelpOptions = true)
public final class InstancesCommand {

    @Command(name = "create", description = "Provision an instance of a service plan for a tenant.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--service", required = true) String service, @Option(names = "--plan", required = true) String plan,
               @Option(names = "--release", description = "Release version (default: the service's latest)") String release,
               @Option(names = {"-p", "--param"}, description = "Parameter as key=value; JSON numbers and booleans keep their type") List<String> params,
               @Option(names = "--wait", description = "Wait until the instance is running (or failed)") boolean wait,
               @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait (default: 120)") long timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("service", service);
        body.put("plan", plan);
        if (release != null) body.put("release", release);
        body.put("parameters", parameters(params));
        return Output.run(o, c -> {
            JsonNode accepted = c.post("/v1/tenants/" + ApiClient.enc(tenant) + "/instances", body);
            if (!wait) return accepted;
            JsonNode op = OperationWatcher.watch(c, accepted.path("operation").path("id").asText(), Duration.ofSeconds(timeout), o.json());
            JsonNode instance = c.get("/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name));
            if (op.path("state").asText().equals("FAILED")) {
                throw new ApiClient.ApiException(0, null, "instance " + tenant + "/" + name + " failed: " + op.path("error").asText());
            }
            return instance;
        }, r -> {
            JsonNode instance = r.has("instance") ? r.get("instance") : r;
            if (r.has("operation")) {
                System.out.println("instance " + tenant + "/" + name + " accepted; operation " + r.path("operation").path("id").asText());
                System.out.println("follow it with: tenantry ops watch " + r.path("operation").path("id").asText());
            } else {
                System.out.println("instance " + tenant + "/" + name + " is " + instance.path("status").path("phase").asText()
                        + " at " + Output.text(instance.path("status"), "endpoint"));
            }
        });
    }

    @Command(name = "list", description = "List a tenant's instances.")
    int list(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant,
             @Option(names = "--include-deleted") boolean includeDeleted) {
        return Output.run(o, c -> c.get("/v1/tenants/" + ApiClient.enc(tenant) + "/instances?limit=1000&includeDeleted=" + includeDeleted), page -> {
            Table t = new Table("NAME", "SERVICE", "PLAN", "RELEASE", "PHASE", "CELL", "ENDPOINT");
            page.path("items").forEach(i -> t.row(i.path("name").asText(), i.path("spec").path("service").asText(),
                    i.path("spec").path("plan").asText(), i.path("spec").path("release").asText(), i.path("status").path("phase").asText(),
                    Output.text(i.path("status"), "cell"), Output.text(i.path("status"), "endpoint")));
            t.print(System.out);
        });
    }

    @Command(name = "get", description = "Show an instance: spec, status, conditions and replicas.")
    int get(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.get("/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name)), i -> {
            JsonNode s = i.path("status");
            new Table("FIELD", "VALUE")
                    .row("instance", i.path("tenant").asText() + "/" + i.path("name").asText())
                    .row("uid", i.path("uid").asText())
                    .row("service", i.path("spec").path("service").asText() + " (plan " + i.path("spec").path("plan").asText() + ")")
                    .row("release", i.path("spec").path("release").asText())
                    .row("parameters", Json.write(i.path("spec").path("parameters")))
                    .row("phase", s.path("phase").asText())
                    .row("message", Output.text(s, "message"))
                    .row("cell", Output.text(s, "cell"))
                    .row("endpoint", Output.text(s, "endpoint"))
                    .row("generation", i.path("generation").asText() + " (observed " + s.path("observedGeneration").asText() + ")")
                    .row("operation", Output.text(i, "lastOperation"))
                    .print(System.out);
            if (s.path("conditions").size() > 0) {
                System.out.println();
                Table t = new Table("CONDITION", "STATUS", "REASON", "SINCE", "MESSAGE");
                s.path("conditions").forEach(cnd -> t.row(cnd.path("type").asText(), cnd.path("status").asText(), cnd.path("reason").asText(),
                        cnd.path("since").asText(), Output.text(cnd, "message")));
                t.print(System.out);
            }
            if (s.path("replicas").size() > 0) {
                System.out.println();
                Table t = new Table("REPLICA", "PID", "PORTS", "HEALTHY", "RESTARTS", "MESSAGE");
                s.path("replicas").forEach(r -> t.row(r.path("component").asText() + "-" + r.path("index").asText(), Output.text(r, "pid"),
                        Json.write(r.path("ports")), r.path("healthy").asText(), r.path("restarts").asText(), Output.text(r, "message")));
                t.print(System.out);
            }
        });
    }

    @Command(name = "delete", description = "Delete an instance: stop its processes and remove its route.")
    int delete(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--wait", description = "Wait until it is deleted") boolean wait,
               @Option(names = "--timeout", defaultValue = "120") long timeout) {
        return Output.run(o, c -> {
            JsonNode accepted = c.delete("/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name));
            if (!wait) return accepted;
            return OperationWatcher.watch(c, accepted.path("operation").path("id").asText(), Duration.ofSeconds(timeout), o.json());
        }, r -> System.out.println(r.has("operation")
                ? "deleting " + tenant + "/" + name + "; operation " + r.path("operation").path("id").asText()
                : "instance " + tenant + "/" + name + " deleted"));
    }

    static Map<String, Object> parameters(List<String> params) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (params == null) return values;
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new InstancesCommand()),
                    "--param needs key=value, got '" + p + "'");
            String key = p.substring(0, eq);
            String raw = p.substring(eq + 1);
            values.put(key, typed(raw));
        }
        return values;
    }

    private static Object typed(String raw) {
        try {
            JsonNode node = Json.MAPPER.readTree(raw);
            if (node != null && (node.isNumber() || node.isBoolean() || node.isTextual())) {
                return node.isIntegralNumber() ? node.asLong() : node.isNumber() ? node.decimalValue() : node.isBoolean() ? node.asBoolean() : node.asText();
            }
        } catch (java.io.IOException notJson) {
            // a plain string
        }
        return raw;
    }
}
