package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * When each instance last got a request, as a gateway in its own process writes it ({@link Route#TRAFFIC_FILE} in
 * the agent's work directory): the agent's traffic source for idle hibernation when its gateway is not in-process.
 */
public final class TrafficFile implements Function<String, Instant> {
    private final Path file;
    private FileTime readAt;
    private Map<String, Long> lastRequests = Map.of();

    public TrafficFile(Path workDir) {
        this.file = workDir.resolve(Route.TRAFFIC_FILE);
    }

    @Override
    public synchronized Instant apply(String instanceUid) {
        refresh();
        Long millis = lastRequests.get(instanceUid);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    @SuppressWarnings("unchecked")
    private void refresh() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException missing) {
            return; // the gateway has seen no request yet
        }
        if (Objects.equals(modified, readAt)) return;
        Json.readFile(file, Map.class).ifPresent(m -> {
            Map<String, Long> parsed = new java.util.HashMap<>();
            ((Map<String, Object>) m).forEach((uid, v) -> parsed.put(uid, ((Number) v).longValue()));
            lastRequests = Map.copyOf(parsed);
            readAt = modified;
        });
    }
}
