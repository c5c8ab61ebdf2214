package dev.tenantry.api.blueprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantry.api.Json;
import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import org.junit.jupiter.api.Test;

class BlueprintValidatorTest {
    private static Blueprint yaml(String text) throws Exception {
        return Json.YAML.readValue(text, Blueprint.class);
    }

    private static final String VALID = """
            components:
              - name: web
                command: ["/bin/app", "--port", "{{ports.http}}", "--tenant", "{{tenant.id}}"]
                env: {GREETING: "{{params.greeting}}", DATA: "{{instance.dataDir}}"}
                ports: [{name: http}]
                health: {type: http, port: http, path: /healthz}
                replicas: 2
            parameters:
              - {name: greeting, type: string, default: Hello, allowed: [Hello, Hi]}
            ingress: {component: web, port: http}
            """;

    @Test
    void acceptsAValidBlueprint() throws Exception {
        assertThatCode(() -> BlueprintValidator.validate(yaml(VALID))).doesNotThrowAnyException();
    }

    @Test
    void namesEveryOffendingField() throws Exception {
        Blueprint bad = yaml("""
                components:
                  - name: Web_1
                    command: []
                    env: {"1BAD": "x", OK: "{{params.missing}}"}
                    ports: [{name: http}, {name: http}]
                    health: {type: http, port: admin, path: healthz}
                    replicas: 500
                parameters:
                  - {name: size, type: integer, default: "big"}
                ingress: {component: api, port: http}
                upgrade: {keepWarmSeconds: -1}
                """);
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(bad));
        assertThat(e.errors()).extracting(FieldError::field).contains(
                "blueprint.components[0].name",
                "blueprint.components[0].command",
                "blueprint.components[0].env.1BAD",
                "blueprint.components[0].env.OK",
                "blueprint.components[0].ports[1].name",
                "blueprint.components[0].health.port",
                "blueprint.components[0].health.path",
                "blueprint.components[0].replicas",
                "blueprint.parameters[0].default",
                "blueprint.ingress.component",
                "blueprint.upgrade.keepWarmSeconds");
    }

    @Test
    void rejectsUnknownPlaceholdersAndPortsOfOtherComponents() throws Exception {
        Blueprint bad = yaml("""
                components:
                  - name: web
                    command: ["/bin/app", "{{ports.db}}", "{{tenant.secret}}"]
                    ports: [{name: http}]
                  - name: db
                    command: ["/bin/db"]
                    ports: [{name: db}]
                """);
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(bad));
        assertThat(e.errors()).extracting(FieldError::message)
                .contains("unknown placeholder {{ports.db}}", "unknown placeholder {{tenant.secret}}");
    }

    @Test
    void requiresAtLeastOneComponent() throws Exception {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(yaml("parameters: []")));
        assertThat(e.errors()).extracting(FieldError::field).containsExactly("blueprint.components");
    }

    @Test
    void secretsGoIntoEnvironmentVariablesOrFilesAndMustBeDeclared() throws Exception {
        assertThatCode(() -> BlueprintValidator.validate(yaml("""
                components:
                  - name: web
                    command: ["/bin/app", "--cert", "{{secretFiles.cert}}"]
                    env: {API_KEY: "{{secrets.apiKey}}", CERT: "{{secretFiles.cert}}"}
                secrets: [{name: apiKey, description: the payment provider's key}, {name: cert}]
                """))).doesNotThrowAnyException();
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> BlueprintValidator.validate(yaml("""
                components:
                  - name: web
                    command: ["/bin/app", "--key", "{{secrets.apiKey}}"]
                    env: {OTHER: "{{secrets.undeclared}}", FILE: "{{secretFiles.undeclared}}"}
                secrets: [{name: apiKey}, {name: apiKey}, {name: "9bad"}]
                """)));
        assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder(
                "blueprint.secrets[1].name", "blueprint.secrets[2].name", "blueprint.components[0].command[2]",
                "blueprint.components[0].env.OTHER", "blueprint.components[0].env.FILE");
        assertThat(e.errors()).filteredOn(f -> f.field().endsWith("command[2]")).first()
                .extracting(FieldError::message).asString().contains("environment variables only").contains("{{secretFiles.apiKey}}");
    }
}
