package dev.tenantry.server.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Posts one signed message to a subscriber and says how it went; never follows redirects. */
public final class WebhookSender {
    /** How long a subscriber may take to answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int KEPT_RESPONSE_CHARS = 200;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    /** One try: {@code ok} for a 2xx answer; else the status (null: no answer) and why. */
    public record Attempt(boolean ok, Integer status, String error, long durationMillis) {}

    public Attempt send(String url, String secret, String messageId, String body, String contentType, Instant now) {
        long timestamp = now.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", contentType)
                .header("User-Agent", "tenantry-webhooks")
                .header("webhook-id", messageId)
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", StandardWebhooks.sign(secret, messageId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String answer;
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(KEPT_RESPONSE_CHARS), java.nio.charset.StandardCharsets.UTF_8);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            int status = response.statusCode();
            if (status >= 200 && status < 300) return new Attempt(true, status, null, millis);
            return new Attempt(false, status, "HTTP " + status + (answer.isBlank() ? "" : ": " + answer.strip()), millis);
        } catch (java.net.ConnectException e) {
            return new Attempt(false, null, "ConnectException: " + (e.getMessage() == null ? "connection refused" : e.getMessage()),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            return new Attempt(false, null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(false, null, "interrupted (the server is stopping)", (System.nanoTime() - start) / 1_000_000);
        }
    }
}
