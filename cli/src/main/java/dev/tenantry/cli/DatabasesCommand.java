package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "databases", mixinStandardHelpOptions = true,
        description = "PostgreSQL servers for tenant data, and an instance's database (never a password).")
public final class DatabasesCommand {
    @Command(mixinStandardHelpOptions = true, name = "servers", description = "The database servers (registered ones, and instances' own: DEDICATED TO names the instance's uid)"
            + " and how many tenant databases each holds.")
    int servers(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.list("/v1/database-servers"), r -> {
            Table t = new Table("NAME", "REGION", "CELL", "ADDRESS", "USED", "CAPACITY", "VERSION", "DEDICATED TO");
            r.path("items").forEach(x -> t.row(x.path("name").asText(), x.path("region").asText(), Output.text(x, "cell"),
                    x.path("host").asText() + ":" + x.path("port").asText(), x.path("used").asText(), x.path("capacity").asText(),
                    Output.text(x, "version"), Output.text(x, "dedicatedTo")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "add-server", description = "Register a PostgreSQL server (Tenantry connects as its admin first). The admin password"
            + " is read from a file or standard input (typed without echo at a terminal), never from the command line.")
    int addServer(@Mixin ClientOptions o, @Parameters(paramLabel = "NAME") String name,
                  @Option(names = "--region", required = true) String region,
                  @Option(names = "--cell", description = "Only for this cell's instances (default: the whole region)") String cell,
                  @Option(names = "--host", required = true) String host,
                  @Option(names = "--port", defaultValue = "5432") int port,
                  @Option(names = "--admin-user", required = true, description = "A superuser of the server") String adminUser,
                  @Option(names = "--admin-password-file", paramLabel = "FILE", description = "default: standard input") Path passwordFile,
                  @Option(names = "--capacity", description = "Tenant databases it takes (default: 500)") Integer capacity) throws IOException {
        String password = (passwordFile != null ? Files.readString(passwordFile, StandardCharsets.UTF_8) : SecretsCommand.readStandardInput()).strip();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("region", region);
        if (cell != null) body.put("cell", cell);
        body.put("host", host);
        body.put("port", port);
        body.put("adminUser", adminUser);
        body.put("adminPassword", password);
        if (capacity != null) body.put("capacity", capacity);
        return Output.run(o, c -> c.post("/v1/database-servers", body),
                r -> System.out.println("database server " + name + " registered: PostgreSQL " + r.path("version").asText()));
    }

    @Command(mixinStandardHelpOptions = true, name = "remove-server", description = "Deregister a server that holds no tenant database.")
    int removeServer(@Mixin ClientOptions o, @Parameters(paramLabel = "NAME") String name) {
        return Output.run(o, c -> c.delete("/v1/database-servers/" + ApiClient.enc(name)), r -> { });
    }

    @Command(mixinStandardHelpOptions = true, name = "rotate", description = "Rotate an instance's database credentials: a new login and password, its replicas"
            + " replaced one at a time, then the old login dropped.")
    int rotate(@Mixin ClientOptions o, @Mixin InstancesCommand.Change change, @Parameters(paramLabel = "TENANT") String tenant,
               @Parameters(paramLabel = "INSTANCE") String instance) {
        return change.run(o, "POST", tenant, instance, "/database/rotate", null);
    }

    @Command(mixinStandardHelpOptions = true, name = "get", description = "An instance's database: model, server, database and schema, login, migrations applied.")
    int get(@Mixin ClientOptions o, @Parameters(paramLabel = "TENANT") String tenant, @Parameters(paramLabel = "INSTANCE") String instance) {
        return Output.run(o, c -> c.get("/v1/tenants/" + ApiClient.enc(tenant) + "/instances/" + ApiClient.enc(instance) + "/database"), r -> {
            System.out.println("isolation   " + r.path("isolation").asText());
            System.out.println("server      " + r.path("server").asText() + " (" + r.path("host").asText() + ":" + r.path("port").asText() + ")");
            System.out.println("database    " + r.path("database").asText() + (r.path("schema").asText().equals("public") ? "" : ", schema " + r.path("schema").asText()));
            System.out.println("user        " + r.path("user").asText());
            System.out.println("state       " + r.path("state").asText() + ": " + r.path("message").asText());
            System.out.println("release     " + Output.text(r, "release"));
            StringBuilder versions = new StringBuilder();
            for (JsonNode m : r.path("migrations")) versions.append(versions.isEmpty() ? "" : ", ").append(m.path("version").asText());
            System.out.println("migrations  " + (versions.isEmpty() ? "none" : versions));
        });
    }
}
