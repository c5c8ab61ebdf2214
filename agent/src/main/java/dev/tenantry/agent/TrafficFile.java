package dev.tenantry.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tenantry.api.Json;
import dev.tenantry.api.cell.InstanceTraffic;
import dev.tenantry.api.cell.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each instance's traffic as a gateway in its own process writes it ({@link Route#TRAFFIC_FILE} in the agent's work
 * directory, about every second): the agent's traffic source when its gateway is not in-process.
 */
public final class TrafficFile implements Function<String, InstanceTraffic> {
    private static final Logger log = LoggerFactory.getLogger(TrafficFile.class);
    private static final TypeReference<Map<String, InstanceTraffic>> TYPE = new TypeReference<>() {};
    private final Path file;
    private FileTime readAt;
    private Map<String, InstanceTraffic> traffic = Map.of();

    public TrafficFile(Path workDir) {
        this.file = workDir.resolve(Route.TRAFFIC_FILE);
    }

    @Override
    public synchronized InstanceTraffic apply(String instanceUid) {
        refresh();
        return traffic.get(instanceUid);
    }

    private void refresh() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException missing) {
            return; // the gateway has seen no request yet
        }
        if (Objects.equals(modified, readAt)) return;
        try {
            traffic = Map.copyOf(Json.MAPPER.readValue(file.toFile(), TYPE));
            readAt = modified;
        } catch (IOException e) {
            log.warn("Cannot read {} ({}); keeping the last traffic figures", file, e.getMessage());
            readAt = modified; // the gateway writes atomically: this version will not read better next time
        }
    }
}
