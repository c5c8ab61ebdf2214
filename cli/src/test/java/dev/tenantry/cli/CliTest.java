package dev.tenantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The quick client (only the typed command is built) answers like the whole command tree. */
class CliTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            return new Run(Cli.run(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyClientCommandAnswersHelpWithTheUsageOfTheWholeTree() {
        CommandLine whole = new CommandLine(new Cli());
        ClientCommands.all().forEach(whole::addSubcommand);
        List<List<String>> paths = new ArrayList<>();
        for (var group : whole.getSubcommands().entrySet()) {
            paths.add(List.of(group.getKey()));
            for (String leaf : group.getValue().getSubcommands().keySet()) paths.add(List.of(group.getKey(), leaf));
        }
        assertThat(paths).hasSizeGreaterThan(60);
        SoftAssertions softly = new SoftAssertions();
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run quick = run(args.toArray(String[]::new));
            StringBuilder expected = new StringBuilder();
            CommandLine target = whole;
            for (String name : path) target = target.getSubcommands().get(name);
            expected.append(target.getUsageMessage());
            softly.assertThat(quick.code()).as(String.join(" ", args) + ": " + quick.err()).isZero();
            softly.assertThat(quick.out()).as(String.join(" ", args)).isEqualTo(expected.toString());
        }
        softly.assertAll();
    }

    @Test
    void aMistypedLeafIsAnsweredFromTheWholeGroupWithTheClosestNames() {
        Run typo = run("instances", "lst", "acme");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("Did you mean: list?");
        Run unknown = run("tenats");
        assertThat(unknown.err()).contains("Did you mean: tenants?");
    }

    @Test
    void theVersionIsTheBuildsVersion() {
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("tenantry ").doesNotContain("unknown").doesNotContain("${");
        assertThat(run("version").out()).contains("java " + Runtime.version());
    }
}
