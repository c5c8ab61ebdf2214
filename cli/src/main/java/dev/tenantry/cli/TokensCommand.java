package dev.tenantry.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tokens", description = "API tokens (admin).", mixinStandardHelpOptions = true)
public final class TokensCommand {

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Create a token; its secret is printed once.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "NAME") String name,
               @Option(names = "--role", required = true, description = "admin, operator, viewer or agent") String role,
               @Option(names = "--tenant", description = "Limit the token to one tenant") String tenant,
               @Option(names = "--cell", description = "The cell an agent token serves") String cell) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        if (tenant != null) body.put("tenant", tenant);
        if (cell != null) body.put("cell", cell);
        return Output.run(o, c -> c.post("/v1/tokens", body), t -> {
            System.out.println("token " + t.path("id").asText() + " (" + t.path("role").asText() + ") created. Its secret, shown only now:");
            System.out.println(t.path("secret").asText());
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List tokens (never their secrets).")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.list("/v1/tokens"), r -> {
            Table t = new Table("ID", "NAME", "ROLE", "TENANT", "CELL", "CREATED", "REVOKED");
            r.path("items").forEach(x -> t.row(x.path("id").asText(), x.path("name").asText(), x.path("role").asText(),
                    Output.text(x, "tenant"), Output.text(x, "cell"), x.path("createdAt").asText(), Output.text(x, "revokedAt")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "revoke", description = "Revoke a token.")
    int revoke(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.delete("/v1/tokens/" + ApiClient.enc(id)), t -> { });
    }
}
