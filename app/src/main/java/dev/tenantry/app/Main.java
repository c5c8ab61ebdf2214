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
        cmd.setParameterExceptionHandler(Main::badArguments);
        cmd.setExecutionExceptionHandler((e, c, parseResult) -> {
            c.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cmd;
    }

    /** A mistyped command or option: the message once, the closest names the command has, and where its help is. */
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        java.io.PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String typed = unmatched.getUnmatched().getFirst();
            java.util.List<String> names = new java.util.ArrayList<>(command.getSubcommands().keySet());
            command.getCommandSpec().options().forEach(o -> names.addAll(java.util.List.of(o.names())));
            java.util.List<String> close = names.stream().filter(n -> isClose(typed, n)).distinct().sorted().toList();
            if (!close.isEmpty()) err.println("Did you mean: " + String.join(", ", close) + "?");
        }
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A name one or two edits away from what was typed (a transposition counts as one), or one it starts. */
    static boolean isClose(String typed, String name) {
        if (typed.length() >= 2 && name.startsWith(typed)) return true;
        int[][] d = new int[typed.length() + 1][name.length() + 1];
        for (int i = 0; i <= typed.length(); i++) d[i][0] = i;
        for (int j = 0; j <= name.length(); j++) d[0][j] = j;
        for (int i = 1; i <= typed.length(); i++) {
            for (int j = 1; j <= name.length(); j++) {
                int cost = typed.charAt(i - 1) == name.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && typed.charAt(i - 1) == name.charAt(j - 2) && typed.charAt(i - 2) == name.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[typed.length()][name.length()] <= (typed.length() <= 3 ? 1 : 2);
    }
}
