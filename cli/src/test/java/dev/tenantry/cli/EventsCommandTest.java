package dev.tenantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code tenantry events} asks the API for what its options name; a JDK HTTP server stands in for the API and ends the stream. */
class EventsCommandTest {
    @Test
    void typesAreAskedForRepeatedOrCommaSeparated() throws Exception {
        List<String> queries = new CopyOnWriteArrayList<>();
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v1/events", exchange -> {
            queries.add(exchange.getRequestURI().getRawQuery());
            byte[] body = "data: {\"type\":\"instance.running\",\"time\":\"2026-12-05T10:00:00Z\",\"subject\":\"tenants/acme/web\",\"data\":{}}\n\n"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int code = Cli.run(new String[] {"events", "--api-url", "http://127.0.0.1:" + api.getAddress().getPort(), "--token", "t",
                    "--tenant", "acme", "--type", "instance.running,operation.*", "--type", "alert.*"});
            assertThat(code).isZero();
        } finally {
            System.setOut(out);
            api.stop(0);
        }
        assertThat(queries).containsExactly("tenant=acme&type=instance.running&type=operation.*&type=alert.*&");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("instance.running").contains("tenants/acme/web");
    }
}
