package dev.tenantry.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The client commands by name, for the launcher to add under {@code tenantry} (all of them, or the one typed). */
public final class ClientCommands {
    private static final Map<String, Supplier<Object>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("tenants", TenantsCommand::new);
        BY_NAME.put("instances", InstancesCommand::new);
        BY_NAME.put("ops", OpsCommand::new);
        BY_NAME.put("services", ServicesCommand::new);
        BY_NAME.put("cells", CellsCommand::new);
        BY_NAME.put("tokens", TokensCommand::new);
        BY_NAME.put("audit", AuditCommand::new);
        BY_NAME.put("events", EventsCommand::new);
        BY_NAME.put("rollouts", RolloutsCommand::new);
        BY_NAME.put("secrets", SecretsCommand::new);
        BY_NAME.put("databases", DatabasesCommand::new);
        BY_NAME.put("backups", BackupsCommand::new);
        BY_NAME.put("alerts", AlertsCommand::new);
        BY_NAME.put("webhooks", WebhooksCommand::new);
        BY_NAME.put("usage", UsageCommand::new);
        BY_NAME.put("margin", MarginCommand::new);
        BY_NAME.put("context", ContextCommand::new);
        BY_NAME.put("version", VersionCommand::new);
    }

    private ClientCommands() {}

    public static List<Object> all() {
        return BY_NAME.values().stream().map(Supplier::get).toList();
    }

    /** The names, as the commands' annotations give them (a test holds the two to each other). */
    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    /** A new instance of the command with this name, or null. */
    static Object named(String name) {
        Supplier<Object> command = BY_NAME.get(name);
        return command == null ? null : command.get();
    }
}
