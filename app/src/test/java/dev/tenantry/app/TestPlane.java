package dev.tenantry.app;

import dev.tenantry.server.domain.ApiLimits;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.agent.driver.DriverSettings;
import dev.tenantry.api.Directories;
import dev.tenantry.api.Json;
import dev.tenantry.examples.hello.HelloBlueprint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real control plane for integration tests: dev mode (embedded PostgreSQL, server, agent with the
 * process driver, gateway) on random ports with a temporary home, plus HTTP helpers.
 */
final class TestPlane implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final DevMode dev;
    final Path home;
    final String api;
    final String admin;

    private TestPlane(DevMode dev, Path home) {
        this.dev = dev;
        this.home = home;
        this.api = dev.apiUrl();
        this.admin = dev.adminToken();
    }

    static TestPlane start() throws Exception {
        return start(null);
    }

    /** A plane whose server decides by {@code clock} (null: the system's). */
    static TestPlane start(java.time.Clock clock) throws Exception {
        return start(clock, ApiLimits.DEFAULT);
    }

    /** A plane with the given per-token API rate limits. */
    static TestPlane start(java.time.Clock clock, ApiLimits limits) throws Exception {
        return start(clock, limits, null);
    }

    /** A plane whose gateway serves HTTPS too, with certificates of {@code certificateLifetime}, deciding by {@code clock}. */
    static TestPlane startWithTls(java.time.Clock clock, Duration certificateLifetime) throws Exception {
        Path home = Files.createTempDirectory("tenantry-it-");
        DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 50,
                new DriverSettings(Duration.ofSeconds(3), 10), clock).withApiLimits(ApiLimits.UNLIMITED)
                .withSecurity(SecurityOptions.settings(home.resolve("master.key"), null, certificateLifetime)
                        .withApiTls(new dev.tenantry.server.SecuritySettings.ApiTls(0, null))).withGatewayTls(0));
        return new TestPlane(dev, home);
    }

    /** A plane whose agent meters usage every {@code usageInterval}. */
    static TestPlane startMeteringEvery(Duration usageInterval) throws Exception {
        Path home = Files.createTempDirectory("tenantry-it-");
        DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 50,
                new DriverSettings(Duration.ofSeconds(3), 10).withUsageInterval(usageInterval), null).withApiLimits(ApiLimits.UNLIMITED));
        return new TestPlane(dev, home);
    }

    /** A plane with a second embedded PostgreSQL for tenant data, registered as database server "local". */
    static TestPlane startWithTenantData() throws Exception {
        return startWithTenantData(null);
    }

    /** The same, deciding by {@code clock} (null: the system's). */
    static TestPlane startWithTenantData(java.time.Clock clock) throws Exception {
        Path home = Files.createTempDirectory("tenantry-it-");
        DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 50,
                new DriverSettings(Duration.ofSeconds(3), 10), clock).withApiLimits(ApiLimits.UNLIMITED)
                .withSecurity(SecurityOptions.settings(home.resolve("master.key"), null)).withTenantData(true));
        return new TestPlane(dev, home);
    }

    /** A plane whose server signs the audit chain every {@code auditCheckpointInterval} (null: the default). */
    static TestPlane start(java.time.Clock clock, ApiLimits limits, Duration auditCheckpointInterval) throws Exception {
        Path home = Files.createTempDirectory("tenantry-it-");
        DevMode dev = DevMode.start(new DevMode.Options(home, null, null, null, "127.0.0.1", 0, 0, 50,
                new DriverSettings(Duration.ofSeconds(3), 10), clock).withApiLimits(limits)
                .withSecurity(SecurityOptions.settings(home.resolve("master.key"), auditCheckpointInterval)));
        return new TestPlane(dev, home);
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }
    }

    Reply call(String method, String path, Object body, String token) {
        return send(method, path, body == null ? null : Json.write(body), "application/json", token);
    }

    Reply send(String method, String path, String body, String contentType, String token) {
        return send(method, path, body, contentType, token, Map.of());
    }

    /** A call as admin to another server of the same control plane (a second replica), at its base URL. */
    Reply callAt(String baseUrl, String method, String path, Object body) {
        return send(baseUrl, method, path, body == null ? null : Json.write(body), "application/json", admin, Map.of());
    }

    private Reply send(String method, String path, String body, String contentType, String token, Map<String, String> headers) {
        return send(api, method, path, body, contentType, token, headers);
    }

    private Reply send(String baseUrl, String method, String path, String body, String contentType, String token, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        headers.forEach(b::header);
        if (body != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return execute(b.build());
    }

    Reply sendExpectingContinue(String method, String path, String body, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30)).expectContinue(true)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        return execute(request);
    }

    /** An admin call with a JSON body (or none) and extra headers, such as If-Match. */
    Reply callWithHeaders(String method, String path, Object body, Map<String, String> headers) {
        return send(method, path, body == null ? null : Json.write(body), "application/json", admin, headers);
    }

    /** Waits until the operation is done; returns it. */
    JsonNode awaitOperation(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = get("/v1/operations/" + id).json();
            String state = last[0].path("state").asText();
            return state.equals("SUCCEEDED") || state.equals("FAILED");
        });
        return last[0];
    }

    Reply get(String path) {
        return call("GET", path, null, admin);
    }

    /** A GET with the local cell's agent token (dev mode keeps it in the home). */
    Reply asAgent(String path) {
        try {
            return call("GET", path, null, Files.readString(home.resolve("agent.token")).strip());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Reply post(String path, Object body) {
        return call("POST", path, body, admin);
    }

    Reply delete(String path) {
        return call("DELETE", path, null, admin);
    }

    /** A request through the gateway, with the Host header of an instance. */
    Reply viaGateway(String host, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dev.gateway().port() + path))
                .header("Host", host).timeout(Duration.ofSeconds(10)).GET().build();
        return execute(request);
    }

    /** A POST through the gateway, with the Host header of an instance. */
    Reply postViaGateway(String host, String path, String body, String contentType) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dev.gateway().port() + path))
                .header("Host", host).header("Content-Type", contentType).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return execute(request);
    }

    /** Called with every request to the API and its reply (for contract checks); null: none. */
    volatile java.util.function.BiConsumer<HttpRequest, Reply> apiObserver;

    Reply execute(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            Reply reply = new Reply(r.statusCode(), r.body(), r);
            var observer = apiObserver;
            if (observer != null && request.uri().toString().startsWith(api)) observer.accept(request, reply);
            return reply;
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    void createTenant(String id) {
        Reply r = post("/v1/tenants", Map.of("id", id, "name", id + " corp"));
        if (r.status() != 201) throw new AssertionError("creating tenant " + id + ": " + r.body());
    }

    /** Creates a service with one release and a plan "basic" (1 replica). */
    void createService(String name, String blueprintYaml) {
        if (post("/v1/services", Map.of("name", name)).status() != 201) throw new AssertionError("creating service " + name);
        Reply release = send("POST", "/v1/services/" + name + "/releases", "version: 1.0.0\nblueprint:\n" + blueprintYaml.indent(2),
                "application/yaml", admin);
        if (release.status() != 201) throw new AssertionError("creating release of " + name + ": " + release.body());
        if (post("/v1/services/" + name + "/plans", Map.of("name", "basic", "replicas", 1)).status() != 201) {
            throw new AssertionError("creating plan of " + name);
        }
    }

    /** The hello example's command with a changed health path or extra arguments, for tests of failure modes. */
    static String helloBlueprint(String healthPath) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return """
                components:
                  - name: web
                    command: ["%s", "-Xmx48m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "%s", "dev.tenantry.examples.hello.HelloApp"]
                    env: {GREETING: "{{params.greeting}}"}
                    ports: [{name: http}]
                    health: {type: http, port: http, path: "%s", intervalMillis: 200}
                parameters: [{name: greeting, type: string, default: Hello}]
                """.formatted(java, HelloBlueprint.classpath(), healthPath);
    }

    Reply createInstance(String tenant, String name, String service, String plan) {
        return post("/v1/tenants/" + tenant + "/instances", Map.of("name", name, "service", service, "plan", plan));
    }

    JsonNode instance(String tenant, String name) {
        return get("/v1/tenants/" + tenant + "/instances/" + name).json();
    }

    JsonNode awaitPhase(String tenant, String name, String phase) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = instance(tenant, name);
            return phase.equals(last[0].path("status").path("phase").asText());
        });
        return last[0];
    }

    /** Follows the event stream at {@code path} (e.g. {@code /v1/events?tenant=acme}) as the admin, adding each event to {@code into}. */
    void followEvents(String path, java.util.List<JsonNode> into) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + admin).header("Accept", "text/event-stream").GET().build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) throw new AssertionError("the event stream answered " + response.statusCode());
        Thread.ofVirtual().start(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) if (line.startsWith("data:")) into.add(Json.MAPPER.readTree(line.substring(5).strip()));
            } catch (IOException e) {
                into.add(Json.MAPPER.createObjectNode().put("type", "stream.closed").put("error", e.toString()));
            }
        });
    }

    @Override
    public void close() throws IOException {
        dev.close();
        Directories.deleteTree(home);
    }
}
