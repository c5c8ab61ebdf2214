package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ops", description = "Operations: the progress of lifecycle requests.", mixinStandardHelpOptions = true)
public final class OpsCommand {

    @Command(mixinStandardHelpOptions = true, name = "get", description = "Show an operation and its steps.")
    int get(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.get("/v1/operations/" + ApiClient.enc(id)), OpsCommand::print);
    }

    @Command(mixinStandardHelpOptions = true, name = "watch", description = "Follow an operation live until it ends; exit code 1 if it failed.")
    int watch(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id,
              @Option(names = "--timeout", defaultValue = "600") long timeout) {
        int[] code = {0};
        int rc = Output.run(o, c -> {
            JsonNode op = OperationWatcher.watch(c, id, Duration.ofSeconds(timeout), o.json());
            if (op.path("state").asText().equals("FAILED")) code[0] = 1;
            return op;
        }, op -> System.out.println("operation " + id + " " + op.path("state").asText()
                + (op.hasNonNull("error") ? ": " + op.path("error").asText() : "")));
        return rc != 0 ? rc : code[0];
    }

    private static void print(JsonNode op) {
        System.out.println(op.path("type").asText() + " " + op.path("target").asText() + ": " + op.path("state").asText()
                + (op.hasNonNull("error") ? " (" + op.path("error").asText() + ")" : ""));
        Table t = new Table("STEP", "STATE", "STARTED", "ENDED", "MESSAGE");
        op.path("steps").forEach(s -> t.row(s.path("name").asText(), s.path("state").asText(), Output.text(s, "startedAt"),
                Output.text(s, "endedAt"), Output.text(s, "message")));
        t.print(System.out);
    }
}
