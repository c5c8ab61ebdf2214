package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Json;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.app.DevMode;
import dev.tenantry.server.domain.ApiLimits;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway against nginx as a reverse proxy to the same backend, on the same machine, in one run: one instance of
 * the example (one replica) in dev mode; nginx (Debian's package) in front of the same replica with upstream keep-alive;
 * {@code wrk -t2 -c32} to {@code /healthz} of each in turn (and of the replica directly, as the floor), after a warm-up
 * of each. Prints each round's requests/s and latency percentiles, the medians, the gateway's share of nginx's
 * throughput and the latency each proxy adds to the replica's own; then checks that the gateway's per-instance traffic
 * accounting counted every request wrk had answered through it.
 */
public final class GatewayVsNginxBenchmark {
    private static final String HOST = "web.bench.localhost";
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: .*");

    /** One wrk run: requests/s, latency percentiles in µs, requests answered, and errors wrk counted. */
    record Run(double rate, double p50, double p90, double p99, long requests, String errors) {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path home = BenchPlane.temporaryHome("tenantry-bench-nginx-");
        try (DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 10, DriverSettings.DEFAULT)
                .withApiLimits(ApiLimits.UNLIMITED))) {
            BenchPlane plane = new BenchPlane(dev);
            plane.post("/v1/tenants", Map.of("id", "bench"));
            JsonNode accepted = Json.MAPPER.readTree(
                    plane.post("/v1/tenants/bench/instances", Map.of("name", "web", "service", "hello", "plan", "starter")).body());
            plane.awaitSucceeded(accepted.path("operation").path("id").asText());
            int gatewayPort = dev.gateway().port();
            BenchPlane.awaitOk(URI.create("http://127.0.0.1:" + gatewayPort + "/healthz"), HOST);
            JsonNode instance = plane.get("/v1/tenants/bench/instances/web");
            int backendPort = instance.path("status").path("replicas").get(0).path("ports").path("http").asInt();
            String uid = instance.path("uid").asText();
            Path nginxDir = Files.createTempDirectory(home, "nginx-");
            int nginxPort = freePort();
            Process nginx = startNginx(nginxDir, nginxPort, backendPort);
            try {
                BenchPlane.awaitOk(URI.create("http://127.0.0.1:" + nginxPort + "/healthz"), HOST);
                System.out.printf("machine: %d cores; wrk -t2 -c32 for %d s per run to /healthz of one replica of the example; %d rounds after a"
                        + " warm-up of each; nginx %s, %d workers, upstream keep-alive, access log off%n",
                        Runtime.getRuntime().availableProcessors(), seconds, rounds, nginxVersion(), Runtime.getRuntime().availableProcessors());
                long countedBefore = counted(dev, uid);
                long sentThroughGateway = 0;
                wrk(backendPort, seconds);
                wrk(nginxPort, seconds);
                sentThroughGateway += wrk(gatewayPort, seconds).requests();
                List<Run> direct = new ArrayList<>();
                List<Run> viaNginx = new ArrayList<>();
                List<Run> viaGateway = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    Run d = wrk(backendPort, seconds);
                    Run n = wrk(nginxPort, seconds);
                    Run g = wrk(gatewayPort, seconds);
                    sentThroughGateway += g.requests();
                    direct.add(d);
                    viaNginx.add(n);
                    viaGateway.add(g);
                    System.out.printf("round %d: direct %s | nginx %s | gateway %s | gateway/nginx %.0f %%%n", round, show(d), show(n), show(g),
                            100 * g.rate() / n.rate());
                }
                Run d = median(direct);
                Run n = median(viaNginx);
                Run g = median(viaGateway);
                System.out.printf("medians: direct %s | nginx %s | gateway %s%n", show(d), show(n), show(g));
                System.out.printf("added to the replica's own latency: nginx p50 %+.0f µs p99 %+.0f µs; gateway p50 %+.0f µs p99 %+.0f µs%n",
                        n.p50() - d.p50(), n.p99() - d.p99(), g.p50() - d.p50(), g.p99() - d.p99());
                Thread.sleep(1500);
                long counted = counted(dev, uid) - countedBefore;
                System.out.printf("accounting: the gateway counted %d requests for the instance; wrk had %d answered through it%s%n", counted,
                        sentThroughGateway, counted >= sentThroughGateway ? "" : " (MISSING " + (sentThroughGateway - counted) + ")");
                System.out.printf("gateway-vs-nginx: gateway_rps=%.0f nginx_rps=%.0f ratio_pct=%.0f gateway_p99_us=%.0f nginx_p99_us=%.0f direct_rps=%.0f%n",
                        g.rate(), n.rate(), 100 * g.rate() / n.rate(), g.p99(), n.p99(), d.rate());
            } finally {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String show(Run r) {
        return String.format("%.0f/s p50 %.0f µs p99 %.0f µs%s", r.rate(), r.p50(), r.p99(), r.errors().isEmpty() ? "" : " [" + r.errors() + "]");
    }

    /** The run with the median rate (its latencies are that run's, not medians of their own). */
    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(a.rate(), b.rate()));
        return sorted.get(sorted.size() / 2);
    }

    /** Requests the gateway counted for the instance, over the releases it served. */
    private static long counted(DevMode dev, String uid) {
        InstanceTraffic traffic = dev.gateway().routes().traffic(uid);
        return traffic == null || traffic.stats() == null ? 0 : traffic.stats().requests();
    }

    private static Run wrk(int port, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t2", "-c32", "-d" + seconds + "s", "--latency", "-H", "Host: " + HOST,
                "http://127.0.0.1:" + port + "/healthz").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("wrk failed:\n" + out);
        Matcher rate = RATE.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rate.find() || !total.find()) throw new IllegalStateException("cannot read wrk's output:\n" + out);
        List<String> errors = new ArrayList<>();
        Matcher e = ERRORS.matcher(out);
        while (e.find()) errors.add(e.group().strip());
        return new Run(Double.parseDouble(rate.group(1)), percentile(out, "50%"), percentile(out, "90%"), percentile(out, "99%"),
                Long.parseLong(total.group(1)), String.join("; ", errors));
    }

    /** A latency percentile of wrk's --latency table, in µs. */
    private static double percentile(String out, String label) {
        Matcher m = Pattern.compile("^\\s+" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
        if (!m.find()) throw new IllegalStateException("no " + label + " latency in wrk's output:\n" + out);
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            default -> value * 1e6;
        };
    }

    private static Process startNginx(Path dir, int port, int backendPort) throws IOException {
        String conf = """
                worker_processes %d;
                daemon off;
                master_process on;
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    upstream backend { server 127.0.0.1:%d; keepalive 64; }
                    server {
                        listen 127.0.0.1:%d;
                        location / {
                            proxy_pass http://backend;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Real-IP $remote_addr;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """.formatted(Runtime.getRuntime().availableProcessors(), dir, dir, dir, dir, dir, dir, dir, backendPort, port);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        return new ProcessBuilder("nginx", "-p", dir.toString(), "-c", file.toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    }

    private static String nginxVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out.replace("nginx version: ", "");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private GatewayVsNginxBenchmark() {}
}
