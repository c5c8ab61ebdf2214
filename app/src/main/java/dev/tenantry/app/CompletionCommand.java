package dev.tenantry.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a shell completion script for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.",
                "bash:  source <(tenantry completion bash)        (or save it in /etc/bash_completion.d/tenantry)",
                "zsh:   source <(tenantry completion zsh)         (in ~/.zshrc)",
                "fish:  tenantry completion fish > ~/.config/fish/completions/tenantry.fish"})
final class CompletionCommand implements java.util.concurrent.Callable<Integer> {
    enum Shell { bash, zsh, fish }

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        System.out.print(switch (shell) {
            // picocli's script serves zsh too, through bashcompinit
            case bash, zsh -> AutoComplete.bash("tenantry", root);
            case fish -> fish(root);
        });
        return 0;
    }

    /** Fish completions: each command's subcommands once its parents are typed, and its options. */
    static String fish(CommandLine root) {
        StringBuilder out = new StringBuilder("# tenantry completions for fish: tenantry completion fish > ~/.config/fish/completions/tenantry.fish\n");
        out.append("complete -c tenantry -f\n");
        describe(root, new ArrayList<>(), out);
        return out.toString();
    }

    private static void describe(CommandLine command, List<String> path, StringBuilder out) {
        String condition = path.isEmpty() ? "__fish_use_subcommand"
                : "__fish_seen_subcommand_from " + path.getLast() + (path.size() > 1 ? "; and __fish_seen_subcommand_from " + path.getFirst() : "");
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().usageMessage().hidden()) continue;
            out.append("complete -c tenantry -n '").append(condition).append("' -a ").append(sub.getKey())
                    .append(" -d ").append(quote(first(sub.getValue().getCommandSpec().usageMessage().description()))).append('\n');
        }
        if (!path.isEmpty()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.hidden()) continue;
                for (String name : option.names()) {
                    out.append("complete -c tenantry -n '").append(condition).append("' ")
                            .append(name.startsWith("--") ? "-l " + name.substring(2) : "-s " + name.substring(1))
                            .append(option.arity().max() > 0 ? " -r" : "")
                            .append(" -d ").append(quote(first(option.description()))).append('\n');
                }
            }
        }
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(sub.getKey());
            describe(sub.getValue(), deeper, out);
        }
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
