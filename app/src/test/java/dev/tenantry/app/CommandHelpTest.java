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
        assertThat(dev.tenantry.cli.CommandErrors.isClose("rstart", "restart")).isTrue();
        assertThat(dev.tenantry.cli.CommandErrors.isClose("lsit", "list")).as("a transposition").isTrue();
        assertThat(dev.tenantry.cli.CommandErrors.isClose("stop", "list")).isFalse();
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

    /**
     * The launcher prints tenantry --help and tenantry up --help before the first build from text kept beside the
     * sources: it must be what the commands print. {@code -Dhelp.update=true} rewrites it.
     */
    @Test
    void theHelpKeptForUnbuiltCheckoutsIsCurrent() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("..", "cli", "src", "main", "help");
        java.util.Map<String, String> expected = java.util.Map.of(
                "tenantry.txt", usage(new String[] {"--help"}), "up.txt", usage(new String[] {"up", "--help"}));
        for (var e : expected.entrySet()) {
            java.nio.file.Path file = dir.resolve(e.getKey());
            if (Boolean.getBoolean("help.update")) {
                java.nio.file.Files.createDirectories(dir);
                java.nio.file.Files.writeString(file, e.getValue());
            }
            assertThat(java.nio.file.Files.readString(file)).as(file + " (rewrite it with -Dhelp.update=true)").isEqualTo(e.getValue());
        }
    }

    @Test
    void aCheckoutThatWasNeverBuiltAnswersHelpWithoutBuilding() throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of("..").toAbsolutePath().normalize();
        java.nio.file.Path copy = java.nio.file.Files.createTempDirectory("tenantry-unbuilt-");
        java.nio.file.Files.copy(root.resolve("tenantry"), copy.resolve("tenantry"));
        java.nio.file.Files.createDirectories(copy.resolve("cli/src/main/help"));
        for (String f : List.of("tenantry.txt", "up.txt")) {
            java.nio.file.Files.copy(root.resolve("cli/src/main/help").resolve(f), copy.resolve("cli/src/main/help").resolve(f));
        }
        java.nio.file.Files.writeString(copy.resolve("pom.xml"), "<project/>");
        for (List<String> args : List.of(List.of("--help"), List.of("up", "--help"))) {
            List<String> command = new ArrayList<>(List.of("bash", copy.resolve("tenantry").toString()));
            command.addAll(args);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).as("no build was started").doesNotContain("building").startsWith("Usage: tenantry");
        }
        assertThat(copy.resolve("app/target")).as("nothing was built").doesNotExist();
        new ProcessBuilder("rm", "-rf", copy.toString()).start().waitFor();
    }

    private static String usage(String[] args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        assertThat(cmd.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void theQuickClientKnowsEveryClientCommandByTheNameItsAnnotationGives() {
        CommandLine cmd = Main.commandLine();
        for (String name : dev.tenantry.cli.ClientCommands.names()) {
            assertThat(cmd.getSubcommands()).as(name).containsKey(name);
        }
        assertThat(dev.tenantry.cli.ClientCommands.all()).extracting(c -> new CommandLine(c).getCommandName())
                .containsExactlyElementsOf(dev.tenantry.cli.ClientCommands.names());
    }
}
