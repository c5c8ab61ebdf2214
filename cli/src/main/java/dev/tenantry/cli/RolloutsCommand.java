package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollouts", description = "Upgrade a service's instances to a release in health-gated waves.", mixinStandardHelpOptions = true)
public final class RolloutsCommand {

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Start a rollout: a canary, then waves, each baked and health-gated; a spent error budget rolls the wave back.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "SERVICE") String service, @Parameters(paramLabel = "RELEASE") String release,
               @Option(names = "--tenant", description = "Only instances of these tenants") List<String> tenants,
               @Option(names = "--tenant-label", description = "Only tenants with this label (key=value)") Map<String, String> tenantLabels,
               @Option(names = "--plan", description = "Only instances on these plans") List<String> plans,
               @Option(names = "--cell", description = "Only instances on these cells") List<String> cells,
               @Option(names = "--from", description = "Only instances on these releases") List<String> releases,
               @Option(names = "--canary", description = "Canary cohort: a count (3) or a percentage (5%%)") String canary,
               @Option(names = "--waves", split = ",", description = "Cumulative percentages of the rest, e.g. 10,25,50,100 (default 100)") List<Integer> waves,
               @Option(names = "--exponential", description = "Waves of 1, 2, 4, 8, … instances instead of --waves") boolean exponential,
               @Option(names = "--bake-seconds", description = "Wait after each wave before its health gate (default 0)") Integer bake,
               @Option(names = "--max-parallel", description = "Upgrades at a time within a wave (default 5)") Integer maxParallel,
               @Option(names = "--error-budget", description = "Failed instances allowed: a count (2) or a percentage (5%%); default 0") String budget,
               @Option(names = "--analysis", description = "Gate each wave on its request figures from the gateways too (needs traffic and a bake time)") boolean analysis,
               @Option(names = "--min-requests", description = "Analysis: requests the upgraded instances must get (default 50; fewer pauses the rollout)") Integer minRequests,
               @Option(names = "--max-error-percent", description = "Analysis: highest 5xx rate allowed (default 1)") Double maxErrorPercent,
               @Option(names = "--max-p99-ms", description = "Analysis: highest p99 latency allowed") Integer maxP99,
               @Option(names = "--max-p99-increase-percent", description = "Analysis: highest p99 increase over the instances not upgraded yet") Integer maxP99Increase,
               @Option(names = "--emergency", description = "Do not wait for tenants' maintenance windows") boolean emergency,
               @Option(names = "--wait", description = "Follow it until it ends") boolean wait,
               @Option(names = "--timeout", defaultValue = "3600", description = "Seconds to wait (default: 3600)") long timeout) {
        Map<String, Object> selector = new LinkedHashMap<>();
        if (tenants != null) selector.put("tenants", tenants);
        if (tenantLabels != null) selector.put("tenantLabels", tenantLabels);
        if (plans != null) selector.put("plans", plans);
        if (cells != null) selector.put("cells", cells);
        if (releases != null) selector.put("releases", releases);
        Map<String, Object> strategy = new LinkedHashMap<>();
        countOrPercent(strategy, canary, "canaryCount", "canaryPercent");
        countOrPercent(strategy, budget, "errorBudgetCount", "errorBudgetPercent");
        if (waves != null) strategy.put("waves", waves);
        if (exponential) strategy.put("exponential", true);
        if (bake != null) strategy.put("bakeSeconds", bake);
        if (maxParallel != null) strategy.put("maxParallel", maxParallel);
        Map<String, Object> thresholds = new LinkedHashMap<>();
        if (minRequests != null) thresholds.put("minRequests", minRequests);
        if (maxErrorPercent != null) thresholds.put("maxErrorPercent", maxErrorPercent);
        if (maxP99 != null) thresholds.put("maxP99Millis", maxP99);
        if (maxP99Increase != null) thresholds.put("maxP99IncreasePercent", maxP99Increase);
        if (analysis || !thresholds.isEmpty()) strategy.put("analysis", thresholds);
        Map<String, Object> body = Map.of("service", service, "release", release, "selector", selector, "strategy", strategy,
                "emergency", emergency);
        return Output.run(o, c -> {
            JsonNode created = c.post("/v1/rollouts", body);
            return wait ? follow(c, created.path("id").asText(), Duration.ofSeconds(timeout), o.json()) : created;
        }, RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List rollouts, newest first.")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.get("/v1/rollouts?limit=100"), r -> {
            Table t = new Table("ID", "SERVICE", "RELEASE", "STATE", "WAVE", "INSTANCES", "CREATED", "REASON");
            r.path("items").forEach(x -> t.row(x.path("id").asText(), x.path("service").asText(), x.path("release").asText(),
                    x.path("state").asText(), wave(x), x.path("instanceCount").asInt(x.path("instances").size()), x.path("createdAt").asText(), Output.text(x, "reason")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "get", description = "Show a rollout: its state, and each instance's upgrade by wave.")
    int get(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.get("/v1/rollouts/" + ApiClient.enc(id)), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "watch", description = "Follow a rollout until it ends, printing each change.")
    int watch(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id,
              @Option(names = "--timeout", defaultValue = "3600") long timeout) {
        return Output.run(o, c -> follow(c, id, Duration.ofSeconds(timeout), o.json()), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "pause", description = "Start no new upgrades; those under way finish.")
    int pause(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.post("/v1/rollouts/" + ApiClient.enc(id) + "/pause", null), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "resume", description = "Resume a paused rollout.")
    int resume(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.post("/v1/rollouts/" + ApiClient.enc(id) + "/resume", null), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "approve", description = "Approve a rollout that touches something protected (not its creator).")
    int approve(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.post("/v1/rollouts/" + ApiClient.enc(id) + "/approve", null), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "protect", description = "Show or replace the protection policy: rollouts touching these services or tenant labels need an approval.")
    int protect(@Mixin ClientOptions o, @Option(names = "--service", description = "A protected service") List<String> services,
                @Option(names = "--tenant-label", description = "A protected tenant label as key=value") Map<String, String> labels,
                @Option(names = "--none", description = "Protect nothing") boolean none) {
        boolean set = none || services != null || labels != null;
        Map<String, Object> body = Map.of("services", services == null ? List.of() : services, "tenantLabels", labels == null ? Map.of() : labels);
        return Output.run(o, c -> set ? c.change("PUT", "/v1/protection", body, null) : c.get("/v1/protection"),
                p -> System.out.println("protected services: " + p.path("services") + "; protected tenant labels: " + p.path("tenantLabels")));
    }

    @Command(mixinStandardHelpOptions = true, name = "rollback", description = "Return every instance the rollout changed to the release it came from.")
    int rollback(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.post("/v1/rollouts/" + ApiClient.enc(id) + "/rollback", null), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "skip", description = "Leave a pending instance out of the rollout.")
    int skip(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "TENANT") String tenant,
             @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.post("/v1/rollouts/" + ApiClient.enc(id) + "/skip", Map.of("tenant", tenant, "name", name)), RolloutsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "abort", description = "Stop the rollout and roll its current wave back.")
    int abort(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.post("/v1/rollouts/" + ApiClient.enc(id) + "/abort", null), RolloutsCommand::print);
    }

    /** Polls the rollout, printing a line when its state, wave or counts change, until it ends; fails unless it SUCCEEDED. */
    private static JsonNode follow(ApiClient c, String id, Duration timeout, boolean quiet) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        while (true) {
            JsonNode r = c.get("/v1/rollouts/" + ApiClient.enc(id));
            String line = r.path("state").asText() + "  wave " + wave(r) + "  " + counts(r) + baking(r) + "  " + Output.text(r, "reason");
            if (!quiet && !line.equals(last)) System.out.println(java.time.LocalTime.now().withNano(0) + "  " + line);
            last = line;
            String state = r.path("state").asText();
            if (state.equals("SUCCEEDED")) return r;
            if (state.equals("HALTED") || state.equals("ABORTED") || state.equals("ROLLED_BACK")) {
                throw new ApiClient.ApiException(0, null, "rollout " + id + " " + state + ": " + Output.text(r, "reason"));
            }
            if (Instant.now().isAfter(deadline)) throw new ApiClient.ApiException(0, null, "rollout " + id + " still " + state + " after " + timeout);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiClient.ApiException(0, null, "interrupted while following rollout " + id);
            }
        }
    }

    /** "  baking until 10:42:05 UTC" while the current wave bakes before its health gate; empty otherwise. */
    static String baking(JsonNode r) {
        if (!r.hasNonNull("bakeUntil")) return "";
        Instant until = Instant.parse(r.path("bakeUntil").asText());
        if (!until.isAfter(Instant.now())) return "";
        return "  baking until " + until.atZone(java.time.ZoneOffset.UTC).toLocalTime().withNano(0) + " UTC";
    }

    private static void print(JsonNode r) {
        System.out.println("rollout " + r.path("id").asText() + " of " + r.path("service").asText() + " to " + r.path("release").asText()
                + ": " + r.path("state").asText() + ", wave " + wave(r) + ", " + counts(r) + baking(r)
                + (r.hasNonNull("reason") ? " (" + r.path("reason").asText() + ")" : ""));
        Table t = new Table("WAVE", "INSTANCE", "FROM", "TO", "STATE", "STARTED", "ENDED", "REASON");
        r.path("instances").forEach(i -> t.row(i.path("wave").asText(), i.path("tenant").asText() + "/" + i.path("name").asText(),
                i.path("fromRelease").asText(), i.path("toRelease").asText(), i.path("state").asText(), Output.text(i, "startedAt"),
                Output.text(i, "endedAt"), Output.text(i, "reason")));
        t.print(System.out);
        if (r.path("gates").isEmpty()) return;
        System.out.println();
        Table gates = new Table("WAVE", "ANALYSIS", "AT", "UPGRADED", "NOT UPGRADED YET", "REASON");
        r.path("gates").forEach(g -> gates.row(g.path("wave").asText(), g.path("verdict").asText(), g.path("at").asText(),
                figures(g.path("upgraded")), figures(g.path("baseline")), g.path("reason").asText()));
        gates.print(System.out);
    }

    private static String figures(JsonNode f) {
        if (f.isMissingNode() || f.isNull()) return "-";
        String rate = f.hasNonNull("errorPercent") ? String.format(java.util.Locale.ROOT, "%.1f%% 5xx", f.path("errorPercent").asDouble()) : "";
        String p99 = f.hasNonNull("p99Millis") ? String.format(java.util.Locale.ROOT, ", p99 %.1f ms", f.path("p99Millis").asDouble()) : "";
        return f.path("requests").asLong() + " req " + rate + p99;
    }

    private static String wave(JsonNode r) {
        return (r.path("currentWave").asInt() + 1) + "/" + r.path("waveCount").asInt();
    }

    private static String counts(JsonNode r) {
        Map<String, Integer> byState = new java.util.TreeMap<>();
        r.path("instances").forEach(i -> byState.merge(i.path("state").asText(), 1, Integer::sum));
        return byState.toString();
    }

    private static void countOrPercent(Map<String, Object> strategy, String value, String countField, String percentField) {
        if (value == null) return;
        try {
            if (value.endsWith("%")) strategy.put(percentField, Integer.parseInt(value.substring(0, value.length() - 1)));
            else strategy.put(countField, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new RolloutsCommand()),
                    "expected a count (3) or a percentage (5%), got '" + value + "'");
        }
    }
}
