package dev.tenantry.app;

import dev.tenantry.cli.ClientCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tenantry} launcher: processes (up, server, agent) and every client command. */
@Command(name = "tenantry", mixinStandardHelpOptions = true, versionProvider = dev.tenantry.cli.Version.Provider.class,
        description = "Tenantry: the SaaS control plane. Start with 'tenantry up'.")
public final class Main {
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        dev.tenantry.cli.ApiClient.shutdownAll();
        System.exit(code);
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.addSubcommand(new UpCommand());
        cmd.addSubcommand(new ServerCommand());
        cmd.addSubcommand(new AgentCommand());
        cmd.addSubcommand(new GatewayCommand());
        ClientCommands.all().forEach(cmd::addSubcommand);
        cmd.addSubcommand(new CompletionCommand());
        return dev.tenantry.cli.CommandErrors.handled(cmd);
    }
}
