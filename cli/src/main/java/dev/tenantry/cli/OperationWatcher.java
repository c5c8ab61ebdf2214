package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Follows an operation until it ends, printing each step as it starts and finishes. */
final class OperationWatcher {
    private static final Duration POLL = Duration.ofMillis(200);

    private OperationWatcher() {}

    /** Returns the final operation; prints progress lines unless quiet. */
    static JsonNode watch(ApiClient client, String id, Duration timeout, boolean quiet) {
        PrintStream out = System.err;
        Map<String, String> shown = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode op = client.get("/v1/operations/" + ApiClient.enc(id));
            for (JsonNode step : op.path("steps")) {
                String key = step.path("name").asText();
                String line = step.path("state").asText() + " " + Output.text(step, "message");
                if (!line.equals(shown.get(key)) && !"PENDING".equals(step.path("state").asText())) {
                    shown.put(key, line);
                    if (!quiet) out.printf("  %-10s %-9s %s%n", key, step.path("state").asText(), step.path("message").asText(""));
                }
            }
            String state = op.path("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) return op;
            if (System.nanoTime() > deadline) {
                throw new ApiClient.ApiException(0, null, "operation " + id + " still " + state + " after " + timeout.toSeconds()
                        + "s; follow it with: tenantry ops watch " + id);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return op;
            }
        }
    }
}
