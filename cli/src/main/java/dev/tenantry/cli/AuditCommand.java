package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Show audit records, newest first; verify or export the audit chain.", mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public final class AuditCommand implements Callable<Integer> {
    @Mixin ClientOptions o;

    @Option(names = "--tenant", description = "Only records of this tenant")
    String tenant;

    @Option(names = "--limit", defaultValue = "50")
    int limit;

    @Override
    public Integer call() {
        String query = "?limit=" + limit + (tenant == null ? "" : "&tenant=" + ApiClient.enc(tenant));
        return Output.run(o, c -> c.get("/v1/audit" + query), r -> {
            Table t = new Table("TIME", "ACTOR", "ACTION", "TARGET", "RESULT", "DETAIL");
            r.path("items").forEach(x -> t.row(x.path("time").asText(), x.path("actor").asText(), x.path("action").asText(),
                    x.path("target").asText(), x.path("result").asText(), Output.text(x, "detail")));
            t.print(System.out);
        });
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the audit hash chain and its signed checkpoints; exit code 2 when the chain was tampered with.")
    static final class Verify implements Callable<Integer> {
        @Mixin ClientOptions o;

        @Override
        public Integer call() {
            JsonNode[] result = new JsonNode[1];
            int code = Output.run(o, c -> result[0] = c.get("/v1/audit/verify"), r -> print(r, System.out));
            if (code != 0) return code;
            return result[0].path("ok").asBoolean() ? 0 : 2;
        }

        private static void print(JsonNode r, PrintStream out) {
            JsonNode head = r.path("head");
            if (r.path("ok").asBoolean()) {
                out.println("ok: " + r.path("records").asLong() + " records, " + r.path("checkpoints").asLong() + " signed checkpoints"
                        + (head.isObject() ? ", head " + head.path("seq").asLong() + " " + head.path("hash").asText() : "")
                        + (r.path("unanchored").asLong() > 0 ? "; " + r.path("unanchored").asLong() + " record(s) since the last checkpoint" : ""));
                return;
            }
            out.println("TAMPERED: " + r.path("problems").size() + " problem(s) in " + r.path("records").asLong() + " records");
            Table t = new Table("KIND", "SEQ", "ID", "WHAT");
            r.path("problems").forEach(p -> t.row(p.path("kind").asText(), Output.text(p, "seq"), Output.text(p, "id"), p.path("message").asText()));
            t.print(out);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the audit records with their chain fields as JSON lines, oldest first (for a SIEM).")
    static final class Export implements Callable<Integer> {
        @Mixin ClientOptions o;

        @Option(names = "--after", defaultValue = "0", description = "Start after this seq (default: from the first record)")
        long after;

        @Option(names = {"--file", "-f"}, description = "File to write (default: standard output)")
        Path output;

        private static final int PAGE = 10_000;

        @Override
        public Integer call() throws IOException {
            if (output == null) return export(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
            try (Writer file = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                return export(file);
            }
        }

        private int export(Writer out) throws IOException {
            try {
                ApiClient client = o.client();
                long from = after;
                while (true) {
                    String page = client.getText("/v1/audit/export?after=" + from + "&limit=" + PAGE);
                    String[] lines = page.isEmpty() ? new String[0] : page.split("\n");
                    for (String line : lines) out.write(line + "\n");
                    if (lines.length < PAGE) break;
                    from = Json.MAPPER.readTree(lines[lines.length - 1]).path("seq").asLong();
                }
                return 0;
            } catch (ApiClient.ApiException e) {
                Output.printProblem(e);
                return 1;
            } finally {
                out.flush();
            }
        }
    }
}
