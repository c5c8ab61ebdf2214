package dev.tenantry.agent.driver;

import java.util.List;
import java.util.Optional;

/** The tests' look at the machine's processes: those running a given command line, as a workload's leftovers are found. */
final class LiveProcesses {
    private LiveProcesses() {}

    /** The live processes whose command line is {@code command} exactly: program (any path) and its arguments, joined by spaces. */
    static List<ProcessHandle> running(String command) {
        String program = command.substring(0, command.indexOf(' '));
        String arguments = command.substring(command.indexOf(' ') + 1);
        return ProcessHandle.allProcesses().filter(h -> h.info().command().map(c -> c.endsWith("/" + program) || c.equals(program)).orElse(false)
                && h.info().arguments().map(a -> String.join(" ", a).equals(arguments)).orElse(false)).toList();
    }

    static Optional<ProcessHandle> first(String command) {
        return running(command).stream().findFirst();
    }
}
