package dev.tenantry.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A training run for the JVM's ahead-of-time cache of the client commands (the launcher makes one per JDK, see
 * {@code tenantry}): a few usual commands against a stand-in API on the loopback that answers every GET with one
 * page of JSON, their output thrown away. What they load and link is what a real call needs.
 */
public final class Training {
    private static final String PAGE = """
            {"items": [{"id": "acme", "name": "Acme", "tenant": "acme", "labels": {}, "createdAt": "2026-01-01T00:00:00Z",
              "spec": {"service": "hello", "plan": "starter", "release": "1.0.0", "parameters": {}},
              "status": {"phase": "RUNNING", "conditions": [], "replicas": []}}]}""";

    private Training() {}

    public static void main(String[] args) throws IOException {
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        api.start();
        String url = "http://127.0.0.1:" + api.getAddress().getPort();
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (PrintStream discard = new PrintStream(OutputStream.nullOutputStream())) {
            System.setOut(discard);
            System.setErr(discard);
            for (List<String> command : List.of(List.of("tenants", "list"), List.of("instances", "list", "acme"),
                    List.of("tenants", "list", "-o", "json"), List.of("services", "list", "-o", "yaml"), List.of("tenants", "--help"))) {
                Cli.run(java.util.stream.Stream.concat(command.stream(), command.contains("--help") ? java.util.stream.Stream.of()
                        : java.util.stream.Stream.of("--api-url", url, "--token", "tnt_training")).toArray(String[]::new));
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            ApiClient.shutdownAll();
            api.stop(0);
        }
    }
}
