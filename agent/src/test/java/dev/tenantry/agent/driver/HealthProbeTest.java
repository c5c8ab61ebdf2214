package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantry.api.blueprint.HealthCheck;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
    private static HealthCheck http(String path) {
        return new HealthCheck(HealthCheck.Type.http, "http", path, null, 500, null);
    }

    @Test
    void passesOn2xxAnd3xxAndFailsOnOtherStatusesAndOnClosedPorts() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> { ex.sendResponseHeaders(204, -1); ex.close(); });
        server.createContext("/moved", ex -> { ex.getResponseHeaders().set("Location", "/ok"); ex.sendResponseHeaders(302, -1); ex.close(); });
        server.createContext("/broken", ex -> { ex.sendResponseHeaders(503, -1); ex.close(); });
        server.start();
        int port = server.getAddress().getPort();
        try {
            assertThat(HealthProbe.check(http("/ok"), port)).isTrue();
            assertThat(HealthProbe.check(http("/moved"), port)).isTrue();
            assertThat(HealthProbe.check(http("/broken"), port)).isFalse();
            assertThat(HealthProbe.check(http("/missing"), port)).isFalse();
            assertThat(HealthProbe.check(new HealthCheck(HealthCheck.Type.tcp, "p", null, null, 500, null), port)).isTrue();
        } finally {
            server.stop(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(HealthProbe.check(http("/ok"), closed)).isFalse();
        assertThat(HealthProbe.check(new HealthCheck(HealthCheck.Type.tcp, "p", null, null, 500, null), closed)).isFalse();
    }

    @Test
    void readsTheStatusLine() {
        assertThat(HealthProbe.isSuccess("HTTP/1.1 200 OK")).isTrue();
        assertThat(HealthProbe.isSuccess("HTTP/1.0 301 Moved")).isTrue();
        assertThat(HealthProbe.isSuccess("HTTP/1.1 404 Not Found")).isFalse();
        assertThat(HealthProbe.isSuccess("garbage")).isFalse();
        assertThat(HealthProbe.isSuccess(null)).isFalse();
    }

    @Test
    void startupProbingSlowsDownAsAReplicaTakesLongerToStart() {
        assertThat(StartSlots.startupProbeDelay(0, 1, false)).hasMillis(5);
        assertThat(StartSlots.startupProbeDelay(100_000_000L, 2, false)).hasMillis(5);
        assertThat(StartSlots.startupProbeDelay(1_000_000_000L, 2, false)).hasMillis(25);
        assertThat(StartSlots.startupProbeDelay(9_000_000_000L, 2, false)).hasMillis(100);
    }

    @Test
    void aReplicaWhoseLogWritesAreToldIsProbedLessOftenBetweenThem() {
        assertThat(StartSlots.startupProbeDelay(0, 1, true)).hasMillis(20);
        assertThat(StartSlots.startupProbeDelay(1_000_000_000L, 2, true)).as("slower as the start takes longer").hasMillis(25);
        assertThat(StartSlots.startupProbeDelay(0, 16, true)).as("16 starting: 400 probes a second in all").hasMillis(40);
    }

    @Test
    void manyReplicasStartingAtOnceAreProbedLessOften() {
        assertThat(StartSlots.startupProbeDelay(0, 8, false)).as("8 starting: 400 probes a second in all").hasMillis(20);
        assertThat(StartSlots.startupProbeDelay(0, 200, false)).as("never more than the longest delay").hasMillis(100);
    }
}
