package dev.tenantry.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tenants", description = "Create, list, show and delete tenants.", mixinStandardHelpOptions = true)
public final class TenantsCommand {

    @Command(name = "create", description = "Create a tenant.", mixinStandardHelpOptions = true)
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "ID", description = "DNS-safe slug, e.g. acme") String id,
               @Option(names = "--name", description = "Display name (default: the id)") String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        if (name != null) body.put("name", name);
        return Output.run(o, c -> c.post("/v1/tenants", body), t -> System.out.println("tenant " + t.path("id").asText() + " created"));
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List tenants.")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.list("/v1/tenants"), page -> {
            Table table = new Table("ID", "NAME", "CREATED");
            page.path("items").forEach(t -> table.row(t.path("id").asText(), t.path("name").asText(), t.path("createdAt").asText()));
            table.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "get", description = "Show a tenant.")
    int get(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.get("/v1/tenants/" + ApiClient.enc(id)), t -> new Table("ID", "NAME", "CREATED")
                .row(t.path("id").asText(), t.path("name").asText(), t.path("createdAt").asText()).print(System.out));
    }

    @Command(mixinStandardHelpOptions = true, name = "label", description = "Replace a tenant's labels (key=value …; none: no labels).")
    int label(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "KEY=VALUE", arity = "0..*") Map<String, String> labels) {
        return Output.run(o, c -> c.change("PUT", "/v1/tenants/" + ApiClient.enc(id) + "/labels", Map.of("labels", labels == null ? Map.of() : labels), null),
                t -> System.out.println("tenant " + id + " labels: " + t.path("labels")));
    }

    @Command(mixinStandardHelpOptions = true, name = "quota", description = "Show the tenant's quota and usage; with limits, set its own quota (provider admin); --clear: its plans' apply.")
    int quota(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id,
              @Option(names = "--instances", description = "live instances at most") Integer instances,
              @Option(names = "--cpu-millis", description = "CPU millicores over all replicas at most") Integer cpuMillis,
              @Option(names = "--memory-mb", description = "memory MiB over all replicas at most") Integer memoryMb,
              @Option(names = "--clear", description = "Remove the tenant's own quota") boolean clear) {
        String path = "/v1/tenants/" + ApiClient.enc(id) + "/quota";
        boolean set = instances != null || cpuMillis != null || memoryMb != null;
        Map<String, Object> body = new LinkedHashMap<>();
        if (instances != null) body.put("instances", instances);
        if (cpuMillis != null) body.put("cpuMillis", cpuMillis);
        if (memoryMb != null) body.put("memoryMb", memoryMb);
        return Output.run(o, c -> {
            if (clear) c.delete(path);
            else if (set) c.change("PUT", path, body, null);
            return c.get(path);
        }, q -> {
            var u = q.path("usage");
            System.out.println("tenant " + id + " quota: " + (q.path("quota").isMissingNode() || q.path("quota").isNull() ? "its plans'" : q.path("quota")));
            System.out.println("in use: " + u.path("instances").asInt() + " instance(s), " + u.path("cpuMillis").asLong() + " CPU millicores, "
                    + u.path("memoryMb").asLong() + " MiB");
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "window", description = "Set the maintenance window (UTC) in which rollouts may upgrade the tenant's instances.")
    int window(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id,
               @Option(names = "--start", description = "HH:mm, UTC") String start,
               @Option(names = "--duration-minutes", defaultValue = "120") int minutes,
               @Option(names = "--days", split = ",", description = "e.g. SATURDAY,SUNDAY (default: every day)") List<java.time.DayOfWeek> days,
               @Option(names = "--clear", description = "Remove the window: upgrades at any time") boolean clear) {
        String path = "/v1/tenants/" + ApiClient.enc(id) + "/maintenance-window";
        if (!clear && start == null) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give --start HH:mm, or --clear");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("start", start);
        body.put("durationMinutes", minutes);
        if (days != null) body.put("days", days);
        return Output.run(o, c -> clear ? c.delete(path) : c.change("PUT", path, body, null), t -> System.out.println(t.path("maintenanceWindow").isMissingNode()
                || t.path("maintenanceWindow").isNull() ? "tenant " + id + " has no maintenance window" : "tenant " + id + "'s maintenance window: "
                + t.path("maintenanceWindow")));
    }

    @Command(mixinStandardHelpOptions = true, name = "pin", description = "Pin the tenant's instances of a service to a release: rollouts pass them by.")
    int pin(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "SERVICE") String service,
            @Parameters(paramLabel = "RELEASE") String release) {
        return Output.run(o, c -> c.change("PUT", "/v1/tenants/" + ApiClient.enc(id) + "/pins/" + ApiClient.enc(service), Map.of("release", release), null),
                p -> System.out.println("tenant " + id + "'s instances of " + service + " pinned to release " + release));
    }

    @Command(mixinStandardHelpOptions = true, name = "unpin", description = "Unpin the tenant's instances of a service.")
    int unpin(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "SERVICE") String service) {
        return Output.run(o, c -> c.delete("/v1/tenants/" + ApiClient.enc(id) + "/pins/" + ApiClient.enc(service)), p -> { });
    }

    @Command(mixinStandardHelpOptions = true, name = "delete", description = "Delete a tenant that has no instances left.")
    int delete(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.delete("/v1/tenants/" + ApiClient.enc(id)), t -> { });
    }
}
