package dev.tenantry.api.blueprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantry.api.Json;
import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseDeclarationTest {
    private static Blueprint yaml(String text) throws Exception {
        return Json.YAML.readValue(text, Blueprint.class);
    }

    private static final String COMPONENTS = """
            components:
              - name: web
                command: ["/bin/app"]
                env: {DB: "{{database.jdbcUrl}}", HOST: "{{database.host}}", PASS: "{{secrets.PGPASSWORD}}"}
            """;

    @Test
    void aDatabaseWithAscendingMigrationsAndItsPlaceholdersIsValid() throws Exception {
        Blueprint b = yaml(COMPONENTS + """
                database:
                  engine: postgres
                  migrations:
                    - {version: "1", description: create notes, sql: "create table notes (id int)"}
                    - {version: "1.1", description: add author, sql: "alter table notes add column author text"}
                    - {version: "1.10", description: later, sql: "select 1"}
                """);
        assertThatCode(() -> BlueprintValidator.validate(b)).doesNotThrowAnyException();
        assertThat(b.database().latestVersion()).isEqualTo("1.10");
    }

    @Test
    void databasePlaceholdersNeedADatabaseAndTheJdbcUrlStaysOutOfCommandLines() throws Exception {
        ValidationException none = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(yaml(COMPONENTS)));
        assertThat(none.errors()).extracting(FieldError::message).anyMatch(m -> m.contains("unknown placeholder {{database.jdbcUrl}}"));
        Blueprint inArgs = yaml("""
                components:
                  - {name: web, command: ["/bin/app", "--db={{database.jdbcUrl}}"]}
                database: {engine: postgres}
                """);
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(inArgs));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("blueprint.components[0].command[1]");
    }

    @Test
    void badMigrationsAreNamedOneByOne() throws Exception {
        Blueprint b = yaml("""
                components: [{name: web, command: ["/bin/app"]}]
                secrets: [{name: PGPASSWORD}]
                database:
                  engine: mysql
                  migrations:
                    - {version: "2", description: two, sql: "select 2"}
                    - {version: "1", description: one, sql: "select 1"}
                    - {version: "x", description: "!", sql: " "}
                    - {version: "2", description: again, sql: "select 2"}
                    - {version: "2.0", description: same, sql: "select 2"}
                """);
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(b));
        assertThat(e.errors()).extracting(FieldError::field).contains("blueprint.database.engine", "blueprint.database",
                "blueprint.database.migrations[1].version", "blueprint.database.migrations[2].version",
                "blueprint.database.migrations[2].description", "blueprint.database.migrations[2].sql", "blueprint.database.migrations[3].version",
                "blueprint.database.migrations[4].version");
    }

    @Test
    void tooMuchSqlIsRefused() throws Exception {
        Blueprint b = new Blueprint(yaml(COMPONENTS.replace("{{database.jdbcUrl}}", "x").replace("{{database.host}}", "y")
                .replace("{{secrets.PGPASSWORD}}", "z")).components(), null, null, null, null, null,
                new DatabaseDeclaration("postgres", List.of(new Migration("1", "big", "x".repeat(Migration.MAX_TOTAL_CHARS + 1)))));
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(b));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("blueprint.database.migrations");
    }

    @Test
    void migrationFilesAreReadAsFlywayNamesThem() {
        Migration m = Migration.fromFile("V1.1__add_author.sql", "alter table notes add column author text;");
        assertThat(m.version()).isEqualTo("1.1");
        assertThat(m.description()).isEqualTo("add author");
        assertThat(m.fileName()).isEqualTo("V1.1__add_author.sql");
        assertThat(Migration.fromFile("notes.sql", "")).isNull();
        assertThat(Migration.compareVersions("1.0", "1")).as("trailing zeros do not count, as for Flyway").isZero();
        List<Migration> sorted = new ArrayList<>(List.of(new Migration("1.10", "a", "-"), new Migration("2", "b", "-"), new Migration("1.9", "c", "-")));
        sorted.sort(Migration.BY_VERSION);
        assertThat(sorted).extracting(Migration::version).containsExactly("1.9", "1.10", "2");
    }
}
