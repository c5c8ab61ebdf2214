package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A thin HTTP client of the Tenantry API; error responses become {@link ApiException} with the problem's detail. */
public final class ApiClient {
    private final HttpClient http;
    private final String baseUrl;
    private final String token;

    public ApiClient(String baseUrl, String token) {
        this(baseUrl, token, null);
    }

    /** {@code tls}: the TLS context for an https URL (one trusting Tenantry's CA; null: the JDK's default trust). */
    public ApiClient(String baseUrl, String token, javax.net.ssl.SSLContext tls) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) builder.sslContext(tls);
        else if (this.baseUrl.startsWith("http:")) builder.sslContext(PLAIN_HTTP);
        this.http = builder.build();
        OPEN.add(http);
    }

    /**
     * For a plain http:// API: a TLS context that is never used, so that the HTTP client does not load the JDK's
     * trust store (a tenth of a CLI call's time).
     */
    private static final javax.net.ssl.SSLContext PLAIN_HTTP = unusedTls();

    private static javax.net.ssl.SSLContext unusedTls() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final java.util.List<HttpClient> OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Stops every client's selector thread: a thread blocked in native code makes the JVM's exit wait 300 ms for it,
     * a third of a short command's time.
     */
    public static void shutdownAll() {
        OPEN.forEach(HttpClient::shutdownNow);
        OPEN.clear();
    }

    public static final class ApiException extends RuntimeException {
        public final int status;
        public final JsonNode problem;

        ApiException(int status, JsonNode problem, String message) {
            super(message);
            this.status = status;
            this.problem = problem;
        }
    }

    public JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    /** Every item of a paged list, following nextCursor: {"items": [...]}. */
    public JsonNode list(String path) {
        com.fasterxml.jackson.databind.node.ArrayNode items = Json.MAPPER.createArrayNode();
        String cursor = null;
        String separator = path.contains("?") ? "&" : "?";
        do {
            JsonNode page = get(path + separator + "limit=1000" + (cursor == null ? ""
                    : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)));
            page.path("items").forEach(items::add);
            cursor = page.hasNonNull("nextCursor") ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return Json.MAPPER.createObjectNode().set("items", items);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, Json.write(body), "application/json");
    }

    public JsonNode postRaw(String path, String body, String contentType) {
        return send("POST", path, body, contentType);
    }

    /** A change guarded by {@code If-Match} (null: unconditional); {@code body} may be null. */
    public JsonNode change(String method, String path, Object body, String ifMatch) {
        return send(method, path, body == null ? null : Json.write(body), body == null ? null : "application/json",
                ifMatch == null ? java.util.Map.of() : java.util.Map.of("If-Match", ifMatch));
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null, null);
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, String body, String contentType) {
        return send(method, path, body, contentType, java.util.Map.of());
    }

    /**
     * Sends the request; a {@code 429} (nothing was done) and, for a read, a {@code 503} (the server is starting or its
     * database is away for a moment) are tried again after their {@code Retry-After}, a few times.
     */
    private JsonNode send(String method, String path, String body, String contentType, java.util.Map<String, String> headers) {
        return parse(sendForText(method, path, body, contentType, headers));
    }

    /** A GET whose answer is text (JSON lines, PEM), as it came. */
    public String getText(String path) {
        return sendForText("GET", path, null, null, java.util.Map.of());
    }

    private String sendForText(String method, String path, String body, String contentType, java.util.Map<String, String> headers) {
        for (int attempt = 1; ; attempt++) {
            try {
                return sendOnce(method, path, body, contentType, headers);
            } catch (RetryLater e) {
                if (attempt >= RETRIES) throw e.failure;
                try {
                    Thread.sleep(e.wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e.failure;
                }
            }
        }
    }

    private static final int RETRIES = 5;
    /** The longest wait a {@code Retry-After} may ask of the CLI: one that asks for more is not waited for. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(99);

    /** A refusal that says when to come back. */
    private static final class RetryLater extends RuntimeException {
        final ApiException failure;
        final Duration wait;

        RetryLater(ApiException failure, Duration wait) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.wait = wait;
        }
    }

    private String sendOnce(String method, String path, String body, String contentType, java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        headers.forEach(b::header);
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException(0, null, "cannot reach the Tenantry API at " + baseUrl + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Is it running? Start it with ./tenantry up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, null, "interrupted");
        }
        if (response.statusCode() >= 400) {
            JsonNode json = parse(response.body());
            String detail = json != null && json.hasNonNull("detail") ? json.get("detail").asText() : response.body();
            ApiException failure = new ApiException(response.statusCode(), json, "HTTP " + response.statusCode() + ": " + detail);
            java.util.Optional<Duration> retryAfter = dev.tenantry.api.RetryAfter.of(response.headers().firstValue("Retry-After"))
                    .filter(wait -> wait.compareTo(MAX_RETRY_AFTER) <= 0);
            boolean again = response.statusCode() == 429 || (response.statusCode() == 503 && method.equals("GET"));
            if (again && retryAfter.isPresent()) {
                throw new RetryLater(failure, retryAfter.get().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter.get());
            }
            throw failure;
        }
        return response.body();
    }

    /** Copies a streamed text answer (a replica's log) to {@code out} as it arrives, until it ends. */
    public void stream(String path, java.io.OutputStream out) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<java.io.InputStream> response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                JsonNode json = parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                String detail = json != null && json.hasNonNull("detail") ? json.get("detail").asText() : "";
                throw new ApiException(response.statusCode(), json, "HTTP " + response.statusCode() + ": " + detail);
            }
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
    }

    /** Streams server-sent events until the consumer throws or the stream ends. */
    public void events(String query, Consumer<JsonNode> onEvent) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/events" + query))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) throw new ApiException(response.statusCode(), null, "HTTP " + response.statusCode());
        response.body().forEach(line -> {
            if (line.startsWith("data:")) onEvent.accept(parse(line.substring(5).strip()));
        });
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
