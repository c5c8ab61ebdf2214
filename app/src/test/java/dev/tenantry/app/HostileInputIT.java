package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input an attacker sends: tenant data that looks like a template, oversized values, NUL bytes, malformed
 * encodings, long URIs, path tricks, wrong methods and duplicate keys. Each is data or a 4xx problem+json.
 */
class HostileInputIT extends WithPlane {

    @Test
    void aParameterThatLooksLikeAPlaceholderReachesTheProcessLiterally() {
        String trick = "{{instance.dataDir}}|{{ports.http}}|{{ tenant.id }}";
        TestPlane.Reply created = plane.post("/v1/tenants/acme/instances",
                Map.of("name", "literal", "service", "hello", "plan", "starter", "parameters", Map.of("greeting", trick)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        plane.awaitPhase("acme", "literal", "RUNNING");
        String page = plane.viaGateway("literal.acme.localhost", "/").body();
        assertThat(page).contains(trick + ", acme!").doesNotContain(plane.home.toString());
    }

    @Test
    void aParameterValueOverFourKibibytesIsA400NamingIt() {
        TestPlane.Reply reply = plane.post("/v1/tenants/acme/instances",
                Map.of("name", "huge", "service", "hello", "plan", "starter", "parameters", Map.of("greeting", "x".repeat(200_000))));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("errors").get(0).path("field").asText()).isEqualTo("parameters.greeting");
        assertThat(reply.json().path("errors").get(0).path("message").asText()).contains("at most 4096 characters");
        assertThat(plane.get("/v1/tenants/acme/instances/huge").status()).isEqualTo(404);
        assertThat(plane.post("/v1/tenants/acme/instances", Map.of("name", "edge", "service", "hello", "plan", "starter",
                "parameters", Map.of("greeting", "x".repeat(4096)))).status()).as("4096 is allowed").isEqualTo(202);
    }

    @Test
    void aNulByteInABodyIsA400NamingTheField() {
        TestPlane.Reply reply = plane.post("/v1/tenants/acme/instances",
                Map.of("name", "nul", "service", "hello", "plan", "starter", "parameters", Map.of("greeting", "a\u0000b")));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("errors").get(0).path("field").asText()).isEqualTo("parameters.greeting");
        assertThat(plane.post("/v1/tenants", Map.of("id", "nul", "name", "N\u0000L")).status()).isEqualTo(400);
        assertThat(plane.get("/v1/tenants/nul").status()).isEqualTo(404);
    }

    @Test
    void nulBytesAndMalformedEncodingsInTheUriAre400s() throws IOException {
        for (String target : new String[] {"/v1/tenants?cursor=%00", "/v1/tenants/acme/instances?cursor=%00", "/v1/audit?tenant=%00",
                "/v1/tenants/%u0061cme", "/v1/tenants/a%00b", "/v1/rollouts?cursor=%0"}) {
            Raw reply = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + plane.admin + "\r\nConnection: close\r\n\r\n");
            assertThat(reply.status()).as(target + ": " + reply.text()).isEqualTo(400);
            assertThat(reply.text()).as(target).containsIgnoringCase("content-type: application/problem+json");
        }
    }

    @Test
    void errorsJettyAnswersItselfAreProblemJsonToo() throws IOException {
        Raw tooLong = raw("GET /v1/tenants/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(tooLong.status()).isEqualTo(414);
        assertThat(tooLong.text()).containsIgnoringCase("content-type: application/problem+json").contains("\"status\":414");
        for (String target : new String[] {"/%2e%2e/", "/v1/%2e%2e/v1/tenants", "/v1/tenants/%2F..%2F"}) {
            Raw tricky = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + plane.admin + "\r\nConnection: close\r\n\r\n");
            assertThat(tricky.status()).as(target).isBetween(400, 404);
            assertThat(tricky.text()).as(target + ": " + tricky.text()).containsIgnoringCase("content-type: application/problem+json")
                    .doesNotContain("<html");
        }
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        TestPlane.Reply reply = plane.call("DELETE", "/v1/services", null, plane.admin);
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.raw().headers().firstValue("Allow").orElse("")).contains("GET").contains("POST");
        assertThat(plane.call("GET", "/v1/no-such-thing", null, plane.admin).status()).isEqualTo(404);
    }

    @Test
    void duplicateKeysInABodyAreA400NamingTheKey() {
        TestPlane.Reply reply = plane.send("POST", "/v1/tenants", "{\"id\":\"twice\",\"id\":\"other\"}", "application/json", plane.admin);
        assertThat(reply.status()).isEqualTo(400);
        JsonNode error = reply.json().path("errors").get(0);
        assertThat(error.path("field").asText()).isEqualTo("id");
        assertThat(error.path("message").asText()).contains("more than once");
        assertThat(plane.get("/v1/tenants/twice").status()).isEqualTo(404);
        assertThat(plane.get("/v1/tenants/other").status()).isEqualTo(404);
        TestPlane.Reply yaml = plane.send("POST", "/v1/tenants", "id: twice\nid: other\n", "application/yaml", plane.admin);
        assertThat(yaml.status()).isEqualTo(400);
    }

    record Raw(int status, String text) {}

    /** A request written byte for byte on a socket: HttpClient refuses to send the malformed URIs this test needs. */
    private static Raw raw(String request) throws IOException {
        int port = Integer.parseInt(plane.api.replaceAll(".*:(\\d+)$", "$1"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Raw(Integer.parseInt(text.substring(9, 12)), text);
        }
    }
}
