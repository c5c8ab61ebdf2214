package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "services", description = "The service catalog: services, their releases and plans.", mixinStandardHelpOptions = true)
public final class ServicesCommand {

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List services.")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.list("/v1/services"), r -> {
            Table t = new Table("NAME", "LATEST RELEASE", "DESCRIPTION");
            r.path("items").forEach(s -> t.row(s.path("name").asText(), Output.text(s, "latestRelease"), Output.text(s, "description")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Create a service.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--description") String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (description != null) body.put("description", description);
        return Output.run(o, c -> c.post("/v1/services", body), s -> System.out.println("service " + name + " created"));
    }

    @Command(mixinStandardHelpOptions = true, name = "release", description = "Create an immutable release from a blueprint file (YAML or JSON). A database section's"
            + " migrationsDir (relative to the file) is read into its migrations: every V<version>__<description>.sql in it, by version.")
    int release(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service, @Parameters(paramLabel = "VERSION") String version,
                @Option(names = {"-f", "--blueprint"}, required = true, description = "Blueprint file") Path file) {
        return Output.run(o, c -> {
            try {
                JsonNode blueprint = MigrationFiles.inline(Json.YAML.readTree(Files.readString(file)), file.toAbsolutePath().getParent());
                return c.post("/v1/services/" + ApiClient.enc(service) + "/releases", Map.of("version", version, "blueprint", blueprint));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }, r -> System.out.println("release " + version + " of " + service + " created"));
    }

    @Command(mixinStandardHelpOptions = true, name = "blueprint", description = "Print a release's blueprint as YAML (default: the latest"
            + " release), to edit into the next: tenantry services blueprint hello > hello-2.0.0.yaml")
    int blueprint(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service,
                  @Parameters(paramLabel = "VERSION", arity = "0..1", description = "Default: the service's latest release") String version) {
        return Output.run(o, c -> {
            String release = version != null ? version : c.get("/v1/services/" + ApiClient.enc(service)).path("latestRelease").asText(null);
            if (release == null) throw new ApiClient.ApiException(404, null, "service " + service + " has no release yet");
            return c.get("/v1/services/" + ApiClient.enc(service) + "/releases/" + ApiClient.enc(release)).path("blueprint");
        }, blueprint -> {
            try {
                System.out.print(Json.YAML.writeValueAsString(blueprint));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "releases", description = "List a service's releases.")
    int releases(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service) {
        return Output.run(o, c -> c.list("/v1/services/" + ApiClient.enc(service) + "/releases"), r -> {
            Table t = new Table("VERSION", "COMPONENTS", "CREATED");
            r.path("items").forEach(x -> t.row(x.path("version").asText(), x.path("blueprint").path("components").size(), x.path("createdAt").asText()));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "plan", description = "Create a plan of a service.")
    int plan(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service, @Parameters(paramLabel = "NAME") String name,
             @Option(names = "--replicas") Integer replicas, @Option(names = "--memory-mb") Integer memoryMb,
             @Option(names = "--cpu-millis") Integer cpuMillis, @Option(names = "--price-per-hour") BigDecimal price,
             @Option(names = "--max-replicas", description = "Most replicas an instance may be scaled to (default 10)") Integer maxReplicas,
             @Option(names = "--max-memory-mb") Integer maxMemoryMb, @Option(names = "--max-cpu-millis") Integer maxCpuMillis,
             @Option(names = "--hibernate-after-seconds", description = "Hibernate instances after this long without a request (at least 10)")
             Integer hibernateAfterSeconds,
             @Option(names = "--retention-seconds", description = "Keep a deleted instance's data this long before purging it (default 604800, 7 days; 0: purge at once)")
             Integer retentionSeconds,
             @Option(names = "--tenant-quota-instances", description = "Each tenant's instances of this plan at most") Integer quotaInstances,
             @Option(names = "--tenant-quota-cpu-millis", description = "Each tenant's CPU millicores on this plan at most") Integer quotaCpu,
             @Option(names = "--tenant-quota-memory-mb", description = "Each tenant's memory MiB on this plan at most") Integer quotaMemory) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("isolation", "dedicated");
        if (replicas != null) body.put("replicas", replicas);
        SizeBody.put(body, "size", memoryMb, cpuMillis);
        if (maxReplicas != null) body.put("maxReplicas", maxReplicas);
        SizeBody.put(body, "maxSize", maxMemoryMb, maxCpuMillis);
        if (hibernateAfterSeconds != null) body.put("hibernateAfterSeconds", hibernateAfterSeconds);
        if (retentionSeconds != null) body.put("retentionSeconds", retentionSeconds);
        if (price != null) body.put("pricePerHour", price);
        Map<String, Object> quota = new LinkedHashMap<>();
        if (quotaInstances != null) quota.put("instances", quotaInstances);
        if (quotaCpu != null) quota.put("cpuMillis", quotaCpu);
        if (quotaMemory != null) quota.put("memoryMb", quotaMemory);
        if (!quota.isEmpty()) body.put("tenantQuota", quota);
        return Output.run(o, c -> c.post("/v1/services/" + ApiClient.enc(service) + "/plans", body),
                p -> System.out.println("plan " + name + " of " + service + " created"));
    }

    @Command(mixinStandardHelpOptions = true, name = "plans", description = "List a service's plans.")
    int plans(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service) {
        return Output.run(o, c -> c.list("/v1/services/" + ApiClient.enc(service) + "/plans"), r -> {
            Table t = new Table("NAME", "ISOLATION", "REPLICAS", "MEMORY MB", "CPU MILLIS", "PRICE/HOUR");
            r.path("items").forEach(p -> t.row(p.path("name").asText(), p.path("isolation").asText(), Output.text(p, "replicas"),
                    Output.text(p.path("size"), "memoryMb"), Output.text(p.path("size"), "cpuMillis"), Output.text(p, "pricePerHour")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "unit-prices", description = "Show a plan's unit prices, or set them: per million requests and per GB sent to clients,"
            + " charged on top of its hourly price.")
    int unitPrices(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service, @Parameters(paramLabel = "PLAN") String plan,
                   @Option(names = "--per-million-requests") java.math.BigDecimal perMillionRequests,
                   @Option(names = "--per-gb-out") java.math.BigDecimal perGbOut) {
        String path = "/v1/services/" + ApiClient.enc(service) + "/plans/" + ApiClient.enc(plan) + "/unit-prices";
        return Output.run(o, c -> {
            if (perMillionRequests == null && perGbOut == null) return c.get(path);
            var current = c.get(path);
            java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("perMillionRequests", perMillionRequests != null ? perMillionRequests : current.path("perMillionRequests").decimalValue());
            body.put("perGbOut", perGbOut != null ? perGbOut : current.path("perGbOut").decimalValue());
            return c.change("PUT", path, body, null);
        }, r -> System.out.println("plan " + service + "/" + plan + ": " + r.path("perMillionRequests").asText() + " per million requests, "
                + r.path("perGbOut").asText() + " per GB out"));
    }
}
