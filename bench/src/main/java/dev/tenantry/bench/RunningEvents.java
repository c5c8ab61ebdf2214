package dev.tenantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One event stream of a tenant's {@code instance.running} events; {@link #await} returns once an instance's arrived. */
final class RunningEvents {
    private final Map<String, CompletableFuture<java.time.Instant>> running = new ConcurrentHashMap<>();

    RunningEvents(String api, String token, String tenant) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/v1/events?tenant=" + tenant + "&type=instance.running"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) throw new IllegalStateException("event stream: HTTP " + response.statusCode());
        Thread.ofPlatform().daemon().name("bench-events").start(() -> read(response.body()));
    }

    private void read(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data:")) continue;
                JsonNode event = Json.MAPPER.readTree(line.substring(5).strip());
                if (event.path("type").asText().equals("instance.running")) {
                    String name = event.path("subject").asText().substring(event.path("subject").asText().lastIndexOf('/') + 1);
                    future(name).complete(java.time.Instant.now());
                }
            }
            ended = new IOException("the event stream ended");
        } catch (IOException e) {
            ended = e;
        }
        running.values().forEach(f -> f.completeExceptionally(ended));
    }

    /** Why the stream ended (null while it runs): every wait fails at once with it, rather than after its timeout. */
    private volatile IOException ended;

    private CompletableFuture<java.time.Instant> future(String name) {
        CompletableFuture<java.time.Instant> f = running.computeIfAbsent(name, n -> new CompletableFuture<>());
        if (ended != null) f.completeExceptionally(ended);
        return f;
    }

    /** When the instance's {@code instance.running} event arrived. */
    java.time.Instant await(String name) throws Exception {
        java.time.Instant arrived = future(name).get(120, TimeUnit.SECONDS);
        running.remove(name);
        return arrived;
    }
}
