package dev.tenantry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The client commands on their own, for a quick start: the launcher runs this (with only the CLI's libraries) for
 * every command but up, server, agent, gateway and completion. It builds only the command that was typed; picocli
 * would otherwise read every command's annotations first.
 */
@Command(name = "tenantry", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
        description = "Tenantry: the SaaS control plane. Start with 'tenantry up'.")
public final class Cli {
    public static void main(String[] args) {
        int code = run(args);
        ApiClient.shutdownAll();
        System.exit(code);
    }

    static int run(String[] args) {
        CommandLine root = new CommandLine(new Cli());
        Object typed = args.length == 0 ? null : ClientCommands.named(args[0]);
        CommandLine leaf = typed == null || args.length < 2 ? null : leafOnly(args[0], typed, args[1]);
        if (leaf != null) root.addSubcommand(args[0], leaf);
        else if (typed != null) root.addSubcommand(args[0], typed);
        else ClientCommands.all().forEach(root::addSubcommand);
        return CommandErrors.handled(root).execute(args);
    }

    /**
     * The group {@code name} with only its subcommand {@code leaf} (a method or a class), or null if it has none of
     * that name: picocli would otherwise read every subcommand of the group (instances has twenty).
     */
    static CommandLine leafOnly(String name, Object group, String leaf) {
        Command groupAnnotation = group.getClass().getAnnotation(Command.class);
        Object subcommand = null;
        for (java.lang.reflect.Method method : group.getClass().getDeclaredMethods()) {
            Command c = method.getAnnotation(Command.class);
            if (c != null && named(c, leaf)) subcommand = method;
        }
        for (Class<?> type : groupAnnotation.subcommands()) {
            Command c = type.getAnnotation(Command.class);
            if (c != null && named(c, leaf)) subcommand = type;
        }
        if (subcommand == null) return null;
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(group).name(name).mixinStandardHelpOptions(true);
        spec.usageMessage().description(groupAnnotation.description());
        CommandLine line = new CommandLine(spec);
        line.addSubcommand(leaf, subcommand instanceof java.lang.reflect.Method method ? new CommandLine(method) : new CommandLine(subcommand));
        return line;
    }

    private static boolean named(Command command, String leaf) {
        return command.name().equals(leaf) || java.util.Arrays.asList(command.aliases()).contains(leaf);
    }
}
