package dev.tenantry.agent.driver;

import static dev.tenantry.agent.driver.StartSlots.StartupLog.ANNOUNCES;
import static dev.tenantry.agent.driver.StartSlots.StartupLog.TOLD;
import static dev.tenantry.agent.driver.StartSlots.StartupLog.UNWATCHED;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantry.api.blueprint.HealthCheck;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
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
        assertThat(StartSlots.startupProbeDelay(0, 1, UNWATCHED)).hasMillis(5);
        assertThat(StartSlots.startupProbeDelay(100_000_000L, 2, UNWATCHED)).hasMillis(5);
        assertThat(StartSlots.startupProbeDelay(1_000_000_000L, 2, UNWATCHED)).hasMillis(25);
        assertThat(StartSlots.startupProbeDelay(9_000_000_000L, 2, UNWATCHED)).hasMillis(100);
    }

    @Test
    void aReplicaWhoseLogWritesAreToldIsProbedLessOftenBetweenThem() {
        assertThat(StartSlots.startupProbeDelay(0, 1, TOLD)).hasMillis(20);
        assertThat(StartSlots.startupProbeDelay(1_000_000_000L, 2, TOLD)).as("slower as the start takes longer").hasMillis(25);
        assertThat(StartSlots.startupProbeDelay(0, 16, TOLD)).as("16 starting: 400 probes a second in all").hasMillis(40);
    }

    @Test
    void aReplicaWhoseCommandAnnouncedItsLastStartIsProbedByTheTimerOnlyRarely() {
        assertThat(StartSlots.startupProbeDelay(0, 1, ANNOUNCES)).hasMillis(100);
        assertThat(StartSlots.startupProbeDelay(9_000_000_000L, 200, ANNOUNCES)).hasMillis(100);
    }

    @Test
    void aCommandAnnouncesItsStartsOnlyWhileItsLastStartWasFoundAtAWrite() {
        StartSlots slots = new StartSlots(1, java.time.Duration.ofSeconds(5));
        assertThat(slots.startupLog(List.of("java", "App"), true)).isEqualTo(TOLD);
        slots.learn(List.of("java", "App"), true);
        assertThat(slots.startupLog(List.of("java", "App"), true)).isEqualTo(ANNOUNCES);
        assertThat(slots.startupLog(List.of("java", "App"), false)).as("writes not told: the timer alone").isEqualTo(UNWATCHED);
        assertThat(slots.startupLog(List.of("java", "Other"), true)).as("another command").isEqualTo(TOLD);
        slots.learn(List.of("java", "App"), false);
        assertThat(slots.startupLog(List.of("java", "App"), true)).isEqualTo(TOLD);
    }

    @Test
    void manyReplicasStartingAtOnceAreProbedLessOften() {
        assertThat(StartSlots.startupProbeDelay(0, 8, UNWATCHED)).as("8 starting: 400 probes a second in all").hasMillis(20);
        assertThat(StartSlots.startupProbeDelay(0, 200, UNWATCHED)).as("never more than the longest delay").hasMillis(100);
    }
}
