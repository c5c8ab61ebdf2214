package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.Agent;
import dev.tenantry.agent.AgentIdentity;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.TrustedCa;
import dev.tenantry.api.cell.CellRegistration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent joins its cell with a one-time join token and from then on talks to the server over mutual TLS with a client
 * certificate bound to that cell: it registers and long-polls with it, renews it itself, cannot act for another cell,
 * and is cut off the moment its cell is revoked. Reused and expired join tokens are refused.
 */
class AgentJoinIT {
    static final MovableClock clock = new MovableClock();
    static TestPlane plane;
    static TrustManager[] trust;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.startWithTls(clock, Duration.ofHours(1));
        Path ca = plane.home.resolve("ca.pem");
        Files.writeString(ca, plane.send("GET", "/v1/ca", null, null, null).body());
        trust = TrustedCa.trustManagers(ca);
        api = plane.dev.server().tlsUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void anAgentJoinsWithAOneTimeTokenWorksOverMutualTlsAndIsCutOffByARevocation() throws Exception {
        String token = joinToken("edge", 5);
        Path work = Files.createTempDirectory(plane.home, "edge-");
        AgentIdentity identity = AgentIdentity.loadOrJoin(work.resolve("identity"), api, "edge", token, trust, Clock.systemUTC());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("identity/agent.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(work.resolve("identity/agent.key"))).contains("BEGIN PRIVATE KEY");

        Agent agent = new Agent(new Agent.Config(api, null, "edge", new CellRegistration("far", "process", 5, "localhost", "http://{host}:1/"),
                work, new DriverSettings(Duration.ofSeconds(1), 10), identity.context()), routes -> { }).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> plane.get("/v1/cells/edge").json().path("online").asBoolean());
            assertThat(status(identity.context(), "/v1/cells/edge/desired?wait=0")).as("its own cell").isEqualTo(200);
            assertThat(status(identity.context(), "/v1/cells/local/desired?wait=0")).as("another cell").isEqualTo(403);
            assertThat(status(identity.context(), "/v1/tenants")).as("anything but its cell's calls").isEqualTo(403);

            // the same token again, and one past its time: refused, naming the token
            assertThatThrownBy(() -> AgentIdentity.loadOrJoin(work.resolve("again"), api, "edge", token, trust, Clock.systemUTC()))
                    .isInstanceOf(IOException.class).hasMessageContaining("was used already");
            String late = joinToken("edge", 1);
            clock.moveForward(Duration.ofMinutes(2));
            assertThatThrownBy(() -> AgentIdentity.loadOrJoin(work.resolve("late"), api, "edge", late, trust, Clock.systemUTC()))
                    .isInstanceOf(IOException.class).hasMessageContaining("expired");
            assertThatThrownBy(() -> AgentIdentity.loadOrJoin(work.resolve("other"), api, "other", joinToken("edge", 5), trust, Clock.systemUTC()))
                    .as("a token of another cell").isInstanceOf(IOException.class).hasMessageContaining("is not a join token of cell 'other'");

            // it renews itself (a new key and certificate), and a restarted agent uses the kept one without a token
            Instant before = identity.notAfter();
            var serialBefore = identity.serial();
            identity.renewIfDue(Instant.now().plus(Duration.ofMinutes(41)));
            assertThat(identity.serial()).as("a new certificate").isNotEqualTo(serialBefore);
            assertThat(identity.notAfter()).as("valid at least as long (whole seconds)").isAfterOrEqualTo(before);
            assertThat(status(identity.context(), "/v1/cells/edge/desired?wait=0")).as("with the renewed certificate").isEqualTo(200);
            AgentIdentity restarted = AgentIdentity.loadOrJoin(work.resolve("identity"), api, "edge", null, trust, Clock.systemUTC());
            assertThat(restarted.notAfter()).isEqualTo(identity.notAfter());

            assertThat(plane.post("/v1/cells/edge/revoke", null).status()).isEqualTo(204);
            assertThat(status(identity.context(), "/v1/cells/edge/desired?wait=0")).as("cut off at once").isEqualTo(401);
            JsonNode audit = plane.get("/v1/audit?limit=50").json();
            assertThat(audit.toString()).contains("cell.join").contains("cell.revoke").contains("cell.join-token");
        } finally {
            agent.close();
        }
    }

    @Test
    void joinTokensAreForAdminsAndBadRequestsAreNamed() {
        String viewer = plane.post("/v1/tokens", Map.of("name", "v", "role", "viewer")).json().path("secret").asText();
        assertThat(plane.call("POST", "/v1/cells/edge/join-tokens", Map.of(), viewer).status()).isEqualTo(403);
        assertThat(plane.post("/v1/cells/edge/join-tokens", Map.of("ttlMinutes", 0)).json().path("errors").get(0).path("field").asText())
                .isEqualTo("ttlMinutes");
        assertThat(plane.post("/v1/cells/Bad_Cell/join-tokens", Map.of()).status()).isEqualTo(400);
        TestPlane.Reply noCsr = plane.call("POST", "/v1/cells/edge/join", Map.of("token", joinToken("edge", 5), "csr", "nope"), null);
        assertThat(noCsr.status()).isEqualTo(400);
        assertThat(noCsr.json().path("errors").get(0).path("field").asText()).isEqualTo("csr");
        assertThat(plane.call("POST", "/v1/cells/edge/join", Map.of("token", "tjn_guess", "csr", "nope"), null).status()).isEqualTo(400);
    }

    private static String joinToken(String cell, int minutes) {
        TestPlane.Reply r = plane.post("/v1/cells/" + cell + "/join-tokens", Map.of("ttlMinutes", minutes));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("token").asText()).startsWith("tjn_");
        return r.json().path("token").asText();
    }

    /** The status of a GET over mutual TLS with the agent's certificate and no token. */
    private static int status(SSLContext tls, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

}
