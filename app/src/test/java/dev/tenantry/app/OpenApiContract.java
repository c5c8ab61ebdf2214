package dev.tenantry.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tenantry.api.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a real exchange against the OpenAPI document: the route, its status and the response headers
 * that matter are documented, and a JSON body validates against the documented schema with unknown
 * fields forbidden (every object schema that lists properties is read as {@code additionalProperties: false}).
 */
final class OpenApiContract {
    private static final List<String> DOCUMENTED_HEADERS =
            List.of("Location", "ETag", "Operation-Location", "Idempotent-Replayed", "Retry-After");

    private final JsonNode doc;
    private final ObjectNode strictDefinitions;
    private final List<String> templates = new ArrayList<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    OpenApiContract(JsonNode doc) {
        this.doc = doc;
        this.strictDefinitions = (ObjectNode) strict(doc.path("components").path("schemas"));
        doc.path("paths").fieldNames().forEachRemaining(templates::add);
    }

    /** What is wrong with this exchange, as sentences (empty: it matches the document). */
    List<String> check(String method, String pathAndQuery, int status, Map<String, List<String>> headers, String body) {
        String path = pathAndQuery.replaceFirst("\\?.*", "");
        String exchange = method + " " + path + " → " + status;
        Optional<String> template = templateOf(path);
        if (template.isEmpty()) return List.of(exchange + ": no documented path matches");
        JsonNode operation = doc.path("paths").path(template.get()).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) return List.of(exchange + ": " + method + " " + template.get() + " is not documented");
        String where = method + " " + template.get() + " → " + status;
        if (operation.path("operationId").asText().isEmpty()) return List.of(where + ": no operationId");
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) response = operation.path("responses").path("default");
        if (response.isMissingNode()) return List.of(where + ": status " + status + " is not documented");
        response = resolve(response);
        List<String> problems = new ArrayList<>();
        for (String header : DOCUMENTED_HEADERS) {
            if (headerValue(headers, header) != null && !hasHeader(response.path("headers"), header)) {
                problems.add(where + ": header " + header + " is sent but not documented");
            }
        }
        if (body == null || body.isEmpty()) return problems;
        String contentType = Optional.ofNullable(headerValue(headers, "Content-Type")).orElse("").replaceFirst(";.*", "").strip();
        JsonNode media = response.path("content").path(contentType);
        if (media.isMissingNode()) {
            problems.add(where + ": a " + contentType + " body is not documented");
            return problems;
        }
        boolean json = contentType.equals("application/json") || contentType.endsWith("+json");
        if (!json || media.path("schema").isMissingNode()) return problems;
        JsonNode instance;
        try {
            instance = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            problems.add(where + ": the body is not JSON: " + body);
            return problems;
        }
        Schema schema = schemas.computeIfAbsent(where + " " + contentType, k -> compile(media.path("schema")));
        schema.validate(instance).forEach(error -> problems.add(where + ": " + error.getInstanceLocation() + " " + error.getMessage()
                + " (schema " + error.getSchemaLocation().getFragment() + ")"));
        return problems;
    }

    private Optional<String> templateOf(String path) {
        String[] segments = path.split("/", -1);
        return templates.stream().filter(t -> matches(t.split("/", -1), segments))
                .max(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count() * -1));
    }

    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) return false;
        for (int i = 0; i < template.length; i++) {
            boolean variable = template[i].startsWith("{") && template[i].endsWith("}");
            if (!variable && !template[i].equals(segments[i])) return false;
            if (variable && segments[i].isEmpty()) return false;
        }
        return true;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) node = doc.at(node.get("$ref").asText().substring(1));
        return node;
    }

    private static boolean hasHeader(JsonNode documented, String header) {
        var names = documented.fieldNames();
        while (names.hasNext()) if (names.next().equalsIgnoreCase(header)) return true;
        return false;
    }

    private static String headerValue(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
    }

    private Schema compile(JsonNode responseSchema) {
        ObjectNode root = (ObjectNode) strict(responseSchema);
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", strictDefinitions);
        return registry.getSchema(root);
    }

    /** A copy with references into {@code $defs} and every object that lists properties closed to others. */
    private static JsonNode strict(JsonNode schema) {
        JsonNode copy = schema.deepCopy();
        close(copy);
        return copy;
    }

    private static void close(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.has("$ref") && object.get("$ref").isTextual()) {
                object.put("$ref", object.get("$ref").asText().replace("#/components/schemas/", "#/$defs/"));
            }
            if (object.has("properties") && object.get("properties").isObject() && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            object.elements().forEachRemaining(OpenApiContract::close);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(OpenApiContract::close);
        }
    }
}
