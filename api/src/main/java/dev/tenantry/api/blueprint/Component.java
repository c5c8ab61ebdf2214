package dev.tenantry.api.blueprint;

import dev.tenantry.api.SortedMaps;
import java.util.List;
import java.util.Map;

/**
 * One kind of process of a service. {@code command} is the executable followed by its arguments;
 * {@code args} are appended. Strings may hold placeholders such as {@code {{tenant.id}}},
 * {@code {{ports.http}}} or {@code {{params.greeting}}} (see {@link Placeholders}).
 */
public record Component(
        String name,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        List<PortSpec> ports,
        HealthCheck health,
        Resources resources,
        Integer replicas) {
    public Component {
        command = command == null ? List.of() : List.copyOf(command);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : SortedMaps.copyOf(env);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public int replicasOrDefault() {
        return replicas == null ? 1 : replicas;
    }

    public boolean hasPort(String portName) {
        return ports.stream().anyMatch(p -> p.name().equals(portName));
    }
}
