package dev.tenantry.agent.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts a workload: in a session of its own (setsid: a terminal's signals do not
 * reach it, and it can be signalled as a group) and at a lower CPU priority than the agent.
 *
 * <p>On kernels with scheduler autogroups (most Linux desktops and many servers), every session is
 * scheduled as one group and a process's own nice value only ranks it inside its group; so the new
 * session's autogroup gets the nice value too, through {@code /proc/self/autogroup}, before the
 * command is exec'd. It joins its control groups first (its size as limits), while it is still the agent's user;
 * a tenant's workload then drops to its tenant's user through {@code setpriv}. Every step execs,
 * so the workload keeps the pid the driver started.
 */
public final class Launcher {
    /**
     * One shell for both steps before the workload (each exec costs a start about 2 ms of CPU): {@code $0} is the
     * niceness (0: none); it writes its own pid into each control group's {@code cgroup.procs} named before
     * {@code --}, sets its session's autogroup niceness, then execs the rest under {@code nice}.
     */
    private static final String PREPARE = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift;"
            + " [ \"$0\" = 0 ] && exec \"$@\"; [ -w /proc/self/autogroup ] && echo \"$0\" > /proc/self/autogroup; exec nice -n \"$0\" \"$@\"";

    private Launcher() {}

    public static List<String> command(List<String> workload, int nice) {
        return command(workload, nice, null, List.of());
    }

    /** The same, joining the control groups whose {@code cgroup.procs} files are {@code groupProcsFiles} first. */
    public static List<String> command(List<String> workload, int nice, List<Path> groupProcsFiles) {
        return command(workload, nice, null, groupProcsFiles);
    }

    /**
     * A replica's launch, ready to start: its command line (joining {@code groupProcsFiles}), working directory, log
     * (stdout and stderr appended) and clean environment, its secrets delivered.
     */
    static ProcessBuilder processBuilder(ReplicaSpec spec, List<Path> groupProcsFiles) throws java.io.IOException {
        ProcessBuilder pb = new ProcessBuilder(command(spec.command(), spec.nice(), spec.user(), groupProcsFiles))
                .directory(spec.workingDir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        pb.environment().putAll(spec.secrets().deliver(spec.user()));
        return pb;
    }

    /** {@code user}: the unprivileged user to run the workload as (its priority is set first), or null for the agent's. */
    static List<String> command(List<String> workload, int nice, WorkloadUser user, List<Path> groupProcsFiles) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) command.add("/usr/bin/setsid");
        if (!groupProcsFiles.isEmpty() || nice > 0) {
            command.addAll(List.of("/bin/sh", "-c", PREPARE, String.valueOf(Math.max(nice, 0))));
            groupProcsFiles.forEach(f -> command.add(f.toString()));
            command.add("--");
        }
        if (user != null) command.addAll(user.dropPrivileges());
        command.addAll(workload);
        return command;
    }
}
