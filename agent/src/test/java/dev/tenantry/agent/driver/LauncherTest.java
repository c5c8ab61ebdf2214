package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launch chain run for real ({@code /bin/sh}, {@code nice}); plain files stand in for the control groups' {@code cgroup.procs}. */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theWorkloadJoinsEveryGroupRunsAtItsNicenessAndKeepsThePidTheDriverStarted() throws Exception {
        Path cpu = Files.createFile(dir.resolve("cpu.procs"));
        Path memory = Files.createFile(dir.resolve("memory.procs"));
        List<String> command = Launcher.command(List.of("/bin/sh", "-c", "echo $$; cut -d' ' -f19 /proc/$$/stat"), 7, null, List.of(cpu, memory));

        Process p = new ProcessBuilder(command).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();

        assertThat(p.waitFor()).isZero();
        assertThat(out.get(0)).as("the workload's pid").isEqualTo(String.valueOf(p.pid()));
        assertThat(out.get(1)).as("its niceness").isEqualTo("7");
        assertThat(Files.readString(cpu).strip()).isEqualTo(String.valueOf(p.pid()));
        assertThat(Files.readString(memory).strip()).isEqualTo(String.valueOf(p.pid()));
        assertThat(command.stream().filter("/bin/sh"::equals)).as("one shell before the workload's own").hasSize(2);
    }

    @Test
    void withoutNicenessTheWorkloadRunsAtTheAgentsAndAGroupItCannotJoinStopsTheLaunch() throws Exception {
        Process plain = new ProcessBuilder(Launcher.command(List.of("/bin/sh", "-c", "cut -d' ' -f19 /proc/$$/stat"), 0, null, List.of())).start();
        assertThat(new String(plain.getInputStream().readAllBytes()).strip()).isEqualTo(niceness());
        assertThat(plain.waitFor()).isZero();

        Process refused = new ProcessBuilder(Launcher.command(List.of("/bin/true"), 3, null, List.of(dir.resolve("missing/cgroup.procs")))).start();
        assertThat(refused.waitFor()).as("the launch's own exit code for a group it cannot join").isEqualTo(125);
    }

    private static String niceness() throws Exception {
        return Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ")[16];
    }
}
