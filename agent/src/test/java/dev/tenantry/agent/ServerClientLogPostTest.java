package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A chunk of log posted to a server that answers 503 (busy or stopping, nothing done) is posted again after its
 * Retry-After, a few times at most; 410 still means the reader is gone. A real HTTP server of the JDK stands in for the
 * control plane's route, answering by a script.
 */
class ServerClientLogPostTest {
    @Test
    void aBusyServerGetsTheChunkAgainAndAGoneReaderStopsTheSending() throws Exception {
        List<Integer> script = new CopyOnWriteArrayList<>(List.of(503, 503, 204, 410, 503, 503, 503, 503));
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/cells/c1/log-requests/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = script.get(calls.getAndIncrement());
            if (status == 503) exchange.getResponseHeaders().add("Retry-After", "0");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            ServerClient client = new ServerClient("http://127.0.0.1:" + server.getAddress().getPort(), "token", "c1", null);
            assertThat(client.postLog("log_1", "tick 1\n".getBytes(StandardCharsets.UTF_8), false)).as("delivered on the third try").isTrue();
            assertThat(bodies).containsExactly("tick 1\n", "tick 1\n", "tick 1\n");
            assertThat(client.postLog("log_1", "tick 2\n".getBytes(StandardCharsets.UTF_8), false)).as("the reader is gone").isFalse();
            assertThatThrownBy(() -> client.postLog("log_1", "tick 3\n".getBytes(StandardCharsets.UTF_8), false))
                    .as("still busy after the retries: the shipper stops").isInstanceOf(IOException.class).hasMessageContaining("503");
            assertThat(calls.get()).as("one post and " + ServerClient.LOG_POST_RETRIES + " retries").isEqualTo(4 + 1 + ServerClient.LOG_POST_RETRIES);
        } finally {
            server.stop(0);
        }
    }
}
