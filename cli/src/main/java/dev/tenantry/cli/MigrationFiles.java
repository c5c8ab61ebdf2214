package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Migration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A blueprint's {@code database.migrationsDir}: the SQL files a release carries, read into its {@code database.migrations}. */
final class MigrationFiles {
    private MigrationFiles() {}

    static JsonNode inline(JsonNode blueprint, Path base) throws IOException {
        JsonNode database = blueprint.path("database");
        if (!(database instanceof ObjectNode db) || !db.has("migrationsDir")) return blueprint;
        Path dir = base.resolve(db.remove("migrationsDir").asText());
        List<Migration> migrations = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (!f.getFileName().toString().endsWith(".sql")) continue;
                Migration m = Migration.fromFile(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
                if (m == null) throw new IOException(f + " is not named V<version>__<description>.sql");
                migrations.add(m);
            }
        }
        migrations.sort(Migration.BY_VERSION);
        ArrayNode list = db.putArray("migrations");
        migrations.forEach(m -> list.add(Json.MAPPER.valueToTree(m)));
        return blueprint;
    }
}
