package dev.tenantry.app;

import dev.tenantry.cli.ClientCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tenantry} launcher: processes (up, server, agent) and every client command. */
@Command(name = "tenantry", mixinStandardHelpOptions = true, version = "tenantry 0.1.0",
        description = "Tenantry: the SaaS control plane. Start with 'tenantry up'.")
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.addSubcommand(new UpCommand());
        cmd.addSubcommand(new ServerCommand());
        cmd.addSubcommand(new AgentCommand());
        cmd.addSubcommand(new GatewayCommand());
        ClientCommands.all().forEach(cmd::addSubcommand);
        withHelp(cmd);
        cmd.setExecutionExceptionHandler((e, c, parseResult) -> {
            c.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cmd;
    }

    /** Every command answers --help (and -h) with its usage and exit code 0, leaves as well as groups. */
    private static void withHelp(CommandLine command) {
        if (!command.getCommandSpec().mixinStandardHelpOptions()) command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(Main::withHelp);
    }
}
