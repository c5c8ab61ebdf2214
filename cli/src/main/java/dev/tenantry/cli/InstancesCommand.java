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

@Command(name = "instances", description = "Provision, list, show, change, delete, restore and purge tenants' instances.", mixinStandardHelpOptions = true)
public final class InstancesCommand {

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Provision an instance of a service plan for a tenant.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--service", required = true) String service, @Option(names = "--plan", required = true) String plan,
               @Option(names = "--release", description = "Release version (default: the service's latest)") String release,
               @Option(names = {"-p", "--param"}, description = "Parameter as key=value; JSON numbers and booleans keep their type") List<String> params,
               @Option(names = "--param-file", paramLabel = "KEY=FILE", description = "Parameter read from a file, as text (for a secret:"
                       + " the command line is visible to other users)") List<String> paramFiles,
               @Option(names = "--wait", description = "Wait until the instance is running (or failed)") boolean wait,
               @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait (default: 120)") long timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("service", service);
        body.put("plan", plan);
        if (release != null) body.put("release", release);
        body.put("parameters", parameters(params, paramFiles));
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

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List a tenant's instances.")
    int list(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant,
             @Option(names = "--include-deleted") boolean includeDeleted) {
        return Output.run(o, c -> c.get("/v1/tenants/" + ApiClient.enc(tenant) + "/instances?limit=1000&includeDeleted=" + includeDeleted), page -> {
            Table t = includeDeleted ? new Table("NAME", "SERVICE", "PLAN", "RELEASE", "PHASE", "CELL", "ENDPOINT", "PURGE AT")
                    : new Table("NAME", "SERVICE", "PLAN", "RELEASE", "PHASE", "CELL", "ENDPOINT");
            page.path("items").forEach(i -> {
                List<String> cells = new java.util.ArrayList<>(List.of(i.path("name").asText(), i.path("spec").path("service").asText(),
                        i.path("spec").path("plan").asText(), i.path("spec").path("release").asText(), i.path("status").path("phase").asText(),
                        Output.text(i.path("status"), "cell"), Output.text(i.path("status"), "endpoint")));
                if (includeDeleted) cells.add(i.path("status").path("phase").asText().equals("DELETED") ? Output.text(i, "purgeAt") : "-");
                t.row(cells.toArray(String[]::new));
            });
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "logs", description = "A replica's log: its last lines, and with -f what it writes from then on (Ctrl-C to stop).")
    int logs(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name,
             @Option(names = "--replica", description = "e.g. web-1 (default: the first)") String replica,
             @Option(names = "--tail", description = "How many of the last lines (0-10000; default 100, with --since all of them up to 10000)")
             Integer tail,
             @Option(names = "--since", description = "Only lines written since then: 10m, 2h, 90s, 1d or a time (2026-12-02T10:00:00Z)") String since,
             @Option(names = {"-f", "--follow"}, description = "Then what it writes, as it writes it") boolean follow) throws Exception {
        String path = "/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name) + "/logs?follow=" + follow
                + (tail == null ? "" : "&tail=" + tail) + (since == null ? "" : "&since=" + ApiClient.enc(since))
                + (replica == null ? "" : "&replica=" + ApiClient.enc(replica));
        try {
            o.client().stream(path, System.out);
            if (follow) {
                System.err.println("(the followed log ended: the server ends one after an hour, or once the cell's agent has sent nothing"
                        + " for as long as a cell counts as online; run the command again to go on)");
            }
            return 0;
        } catch (ApiClient.ApiException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "get", description = "Show an instance: spec, status, conditions and replicas; --watch follows its changes live.")
    int get(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name,
            @Option(names = {"-w", "--watch"}, description = "Then print a line at every change of its status, until it is deleted (Ctrl-C to stop)")
            boolean watch) {
        int shown = show(o, tenant, name);
        return shown != 0 || !watch ? shown : watch(o, tenant, name);
    }

    /** Follows the events of the instance and of its operations; after each, prints its status if what the line shows changed. */
    private static int watch(ClientOptions o, String tenant, String name) {
        String path = "/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name);
        String[] last = {""};
        try {
            ApiClient c = o.client();
            String target = tenant + "/" + name;
            c.events("?tenant=" + ApiClient.enc(tenant), e -> {
                if (!e.path("subject").asText().equals("tenants/" + target) && !e.path("data").path("instance").asText().equals(target)) return;
                JsonNode i = c.get(path);
                JsonNode s = i.path("status");
                int healthy = 0;
                int serving = 0;
                for (JsonNode r : s.path("replicas")) {
                    if (r.path("standby").asBoolean()) continue;
                    serving++;
                    if (r.path("healthy").asBoolean()) healthy++;
                }
                String line = String.format("%-12s generation %s (observed %s)  replicas %d/%d healthy  %s", s.path("phase").asText(),
                        i.path("generation").asText(), s.path("observedGeneration").asText(), healthy, serving, Output.text(s, "message"));
                if (!line.equals(last[0])) {
                    System.out.println(java.time.LocalTime.now().withNano(0) + "  " + line);
                    System.out.flush();
                    last[0] = line;
                }
                if (e.path("type").asText().equals("instance.deleted")) throw new WatchEnded();
            });
        } catch (WatchEnded deleted) {
            return 0;
        } catch (ApiClient.ApiException e) {
            Output.printProblem(e);
            return 1;
        } catch (java.io.IOException e) {
            System.err.println("error: the event stream ended: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }

    private static final class WatchEnded extends RuntimeException {
        WatchEnded() {
            super(null, null, false, false);
        }
    }

    private static int show(ClientOptions o, String tenant, String name) {
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
                    .row("etag", i.path("etag").asText())
                    .row("operation", Output.text(i, "lastOperation"))
                    .row("pinned to", Output.text(i, "pinnedRelease"))
                    .row("purge at", s.path("phase").asText().equals("DELETED") ? Output.text(i, "purgeAt") + " (restore it until then)" : "-")
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
                Table t = new Table("REPLICA", "RELEASE", "PID", "PORTS", "HEALTHY", "RESTARTS", "MESSAGE");
                s.path("replicas").forEach(r -> t.row(r.path("component").asText() + "-" + r.path("index").asText()
                                + (r.path("standby").asBoolean() ? " (warm)" : ""), Output.text(r, "release"), Output.text(r, "pid"),
                        Json.write(r.path("ports")), r.path("healthy").asText(), r.path("restarts").asText(), Output.text(r, "message")));
                t.print(System.out);
            }
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "delete", description = "Delete an instance: stop its processes and remove its route; its data is kept for the plan's retention.")
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

    @Command(mixinStandardHelpOptions = true, name = "restore", description = "Bring a deleted instance back with its data (before its purge time).")
    int restore(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/restore", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "purge", description = "Remove a deleted instance's data and parameters for good, now rather than at its purge time.")
    int purge(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/purge", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "pin", description = "Pin an instance to a release: rollouts pass it by (unless they move it to that release).")
    int pin(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name,
            @Parameters(paramLabel = "RELEASE") String release) {
        return Output.run(o, c -> c.change("PUT", "/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name) + "/pin",
                Map.of("release", release), null), i -> System.out.println("instance " + tenant + "/" + name + " pinned to release " + release));
    }

    @Command(mixinStandardHelpOptions = true, name = "releases", description = "An instance's release history: creation, upgrades and rollbacks, newest first.")
    int releases(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.get("/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name) + "/releases"), r -> {
            Table t = new Table("AT", "RELEASE", "FROM", "BY", "OPERATION", "STATE", "ENDED");
            r.path("items").forEach(x -> t.row(x.path("at").asText(), x.path("release").asText(), Output.text(x, "fromRelease"),
                    x.path("actor").asText(), Output.text(x, "type") + " " + Output.text(x, "operation"), Output.text(x, "state"), Output.text(x, "endedAt")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "unpin", description = "Unpin an instance.")
    int unpin(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.change("DELETE", "/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name) + "/pin",
                null, null), i -> System.out.println("instance " + tenant + "/" + name + " unpinned"));
    }

    @Command(mixinStandardHelpOptions = true, name = "update", description = "Change an instance's plan and/or parameters; replicas are replaced one at a time.")
    int update(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant,
               @Parameters(paramLabel = "NAME") String name, @Option(names = "--plan") String plan,
               @Option(names = {"-p", "--param"}, description = "Parameter as key=value (the given parameters replace the old ones;"
                       + " a secret one left out keeps its value)") List<String> params,
               @Option(names = "--param-file", paramLabel = "KEY=FILE", description = "Parameter read from a file, as text (for a secret)")
               List<String> paramFiles) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (plan != null) body.put("plan", plan);
        if (params != null || paramFiles != null) body.put("parameters", parameters(params, paramFiles));
        return change.run(o, "PATCH", tenant, name, "", body);
    }

    @Command(mixinStandardHelpOptions = true, name = "scale", description = "Scale an instance's replicas and/or size within its plan's limits.")
    int scale(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant,
              @Parameters(paramLabel = "NAME") String name, @Option(names = "--replicas") Integer replicas,
              @Option(names = "--memory-mb") Integer memoryMb, @Option(names = "--cpu-millis") Integer cpuMillis) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (replicas != null) body.put("replicas", replicas);
        SizeBody.put(body, "size", memoryMb, cpuMillis);
        return change.run(o, "POST", tenant, name, "/scale", body);
    }

    @Command(mixinStandardHelpOptions = true, name = "stop", description = "Stop every replica of an instance; it keeps its data and route (503 until started).")
    int stop(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/stop", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "start", description = "Start a stopped instance.")
    int start(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/start", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "hibernate", description = "Scale an instance to zero; the first request through the gateway wakes it.")
    int hibernate(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/hibernate", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "wake", description = "Wake a hibernated instance now.")
    int wake(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/wake", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "restart", description = "Rolling restart: replace every replica, each new one healthy before its old one stops.")
    int restart(@Mixin ClientOptions o, @Mixin Change change, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "NAME") String name) {
        return change.run(o, "POST", tenant, name, "/restart", null);
    }

    /** Options and behaviour shared by the commands that change an instance. */
    static final class Change {
        @Option(names = "--if-match", description = "Only if the instance is still at this ETag (the etag that 'instances get' shows)")
        String ifMatch;
        @Option(names = "--wait", description = "Wait until the change is done (or failed), showing its progress")
        boolean wait;
        @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait (default: 120)")
        long timeout;

        int run(ClientOptions o, String method, String tenant, String name, String action, Map<String, Object> body) {
            String path = "/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(name) + action;
            return Output.run(o, c -> {
                JsonNode accepted = c.change(method, path, body, ifMatch);
                if (!wait) return accepted;
                JsonNode op = OperationWatcher.watch(c, accepted.path("operation").path("id").asText(), Duration.ofSeconds(timeout), o.json());
                if (op.path("state").asText().equals("FAILED")) {
                    throw new ApiClient.ApiException(0, null, op.path("type").asText() + " of " + tenant + "/" + name + " failed: " + op.path("error").asText());
                }
                return op;
            }, r -> System.out.println(r.has("operation")
                    ? r.path("operation").path("type").asText() + " of " + tenant + "/" + name + " accepted; operation "
                    + r.path("operation").path("id").asText() + " (follow it with: tenantry ops watch " + r.path("operation").path("id").asText() + ")"
                    : r.path("type").asText() + " of " + r.path("target").asText(tenant + "/" + name) + " done"));
        }
    }

    static Map<String, Object> parameters(List<String> params) {
        return parameters(params, null);
    }

    /** {@code -p key=value} (typed) and {@code --param-file key=FILE} (the file's text, less one final newline). */
    static Map<String, Object> parameters(List<String> params, List<String> paramFiles) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String p : params == null ? List.<String>of() : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new InstancesCommand()),
                    "--param needs key=value, got '" + p + "'");
            values.put(p.substring(0, eq), typed(p.substring(eq + 1)));
        }
        for (String p : paramFiles == null ? List.<String>of() : paramFiles) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new InstancesCommand()),
                    "--param-file needs key=FILE, got '" + p + "'");
            try {
                String text = java.nio.file.Files.readString(java.nio.file.Path.of(p.substring(eq + 1)), java.nio.charset.StandardCharsets.UTF_8);
                values.put(p.substring(0, eq), text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            } catch (java.io.IOException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new InstancesCommand()),
                        "--param-file " + p.substring(0, eq) + ": cannot read " + p.substring(eq + 1) + " (" + e.getMessage() + ")");
            }
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
