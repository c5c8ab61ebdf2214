package dev.tenantry.cli;

import java.util.List;

/** The client commands, for the launcher to add under {@code tenantry}. */
public final class ClientCommands {
    private ClientCommands() {}

    public static List<Object> all() {
        return List.of(new TenantsCommand(), new InstancesCommand(), new OpsCommand(), new ServicesCommand(), new CellsCommand(),
                new TokensCommand(), new AuditCommand(), new EventsCommand(),
                new RolloutsCommand(), new SecretsCommand(), new DatabasesCommand(), new BackupsCommand(), new AlertsCommand(), new WebhooksCommand(),
                new UsageCommand(), new MarginCommand());
    }
}
