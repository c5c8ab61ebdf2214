package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tenantry.api.Json;
import dev.tenantry.api.cell.LogRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A followed log that stays quiet gets an empty chunk every keep-alive, so the server can tell a live agent from a dead
 * one; once the server answers that the reader is gone (410), the agent stops following. A real HTTP server of the JDK
 * stands in for the control plane's routes, answering by a script.
 */
class LogShipperKeepAliveTest {
    private static final Duration KEEP_ALIVE = Duration.ofMillis(1200);

    @TempDir
    Path work;

    @Test
    void aQuietFollowedLogIsKeptAliveUntilItsReaderIsGone() throws Exception {
        Path log = Files.createDirectories(work.resolve("instances").resolve("uid1").resolve("logs")).resolve("web-0.log");
        Files.writeString(log, "started\n");
        AtomicBoolean handedOut = new AtomicBoolean();
        AtomicBoolean readerGone = new AtomicBoolean();
        List<String> posts = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/cells/c1/log-requests", exchange -> {
            if (exchange.getRequestMethod().equals("GET")) {
                List<LogRequest> items = handedOut.getAndSet(true) ? List.of() : List.of(new LogRequest("log_1", "uid1", "web-0", 10, true, null));
                if (items.isEmpty()) sleepQuietly(Duration.ofMillis(300));
                byte[] body = Json.write(Map.of("items", items)).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else {
                posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (readerGone.get()) refused.incrementAndGet();
                exchange.sendResponseHeaders(readerGone.get() ? 410 : 204, -1);
            }
            exchange.close();
        });
        server.start();
        LogShipper shipper = new LogShipper(new ServerClient("http://127.0.0.1:" + server.getAddress().getPort(), "token", "c1", null),
                work.resolve("instances"), KEEP_ALIVE).start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> posts.contains("started\n"));
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> posts.stream().filter(String::isEmpty).count() >= 2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two keep-alives, about one every " + KEEP_ALIVE)
                    .isGreaterThanOrEqualTo(KEEP_ALIVE);
            Files.writeString(log, "more\n", java.nio.file.StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(5)).until(() -> posts.contains("more\n"));

            readerGone.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> refused.get() == 1);
            int after = posts.size();
            Thread.sleep(KEEP_ALIVE.multipliedBy(3));
            assertThat(posts).as("nothing posted once the reader is gone").hasSize(after);
        } finally {
            shipper.stop();
            server.stop(0);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
