package dev.tenantry.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** How every command line of the launcher reports mistakes: once, with the closest names and where the help is. */
public final class CommandErrors {
    private CommandErrors() {}

    /** Sets the handlers for mistyped arguments and for failures inside a command. */
    public static CommandLine handled(CommandLine cmd) {
        cmd.setParameterExceptionHandler(CommandErrors::badArguments);
        cmd.setExecutionExceptionHandler((e, c, parseResult) -> {
            c.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cmd;
    }

    /** A mistyped command or option: the message once, the closest names the command has, and where its help is. */
    static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String typed = unmatched.getUnmatched().getFirst();
            List<String> names = new ArrayList<>(command.getSubcommands().keySet());
            command.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
            List<String> close = names.stream().filter(n -> isClose(typed, n)).distinct().sorted().toList();
            if (!close.isEmpty()) err.println("Did you mean: " + String.join(", ", close) + "?");
        }
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A name one or two edits away from what was typed (a transposition counts as one), or one it starts. */
    public static boolean isClose(String typed, String name) {
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
