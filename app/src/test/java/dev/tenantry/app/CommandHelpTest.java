package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of the launcher, groups and leaves, prints its usage for --help and exits 0. */
class CommandHelpTest {
    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        CommandLine cmd = Main.commandLine();
        List<List<String>> paths = new ArrayList<>();
        collect(cmd, new ArrayList<>(), paths);
        assertThat(paths).as("the launcher's commands").hasSizeGreaterThan(60);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        SoftAssertions softly = new SoftAssertions();
        for (List<String> path : paths) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            int code = cmd.execute(args.toArray(String[]::new));
            softly.assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
            softly.assertThat(out.toString()).as(String.join(" ", args)).startsWith("Usage: tenantry");
        }
        softly.assertAll();
    }

    private static void collect(CommandLine command, List<String> prefix, List<List<String>> into) {
        for (var sub : command.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().aliases().length > 0 && !sub.getKey().equals(sub.getValue().getCommandName())) continue;
            List<String> path = new ArrayList<>(prefix);
            path.add(sub.getKey());
            into.add(path);
            collect(sub.getValue(), path, into);
        }
    }

    @Test
    void anUnknownOutputFormatIsRefusedBeforeAnythingIsCalled() {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(cmd.execute("tenants", "list", "-o", "jsn", "--api-url", "http://127.0.0.1:9")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--output'").contains("table, json, yaml");
    }

    @Test
    void aMistypedCommandIsNamedOnceWithTheClosestNames() {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("instances", "lst")).isEqualTo(2);
        assertThat(err.toString()).contains("Did you mean: list?").contains("See 'tenantry instances --help'.");
        assertThat(err.toString().split("Unmatched argument", -1)).as("said once: " + err).hasSize(2);
        assertThat(Main.isClose("rstart", "restart")).isTrue();
        assertThat(Main.isClose("lsit", "list")).as("a transposition").isTrue();
        assertThat(Main.isClose("stop", "list")).isFalse();
    }

    @Test
    void aLeafCommandStillRunsItsBodyWithItsArguments() {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = System.err;
        System.setErr(new java.io.PrintStream(stderr, true));
        try {
            int code = cmd.execute("tenants", "create", "acme", "--name", "Acme Corp", "--api-url", "http://127.0.0.1:9", "--token", "t");
            assertThat(code).isEqualTo(1);
        } finally {
            System.setErr(was);
        }
        assertThat(err + stderr.toString()).as("it got as far as calling the API").doesNotContain("argument type mismatch").contains("error");
    }
}
