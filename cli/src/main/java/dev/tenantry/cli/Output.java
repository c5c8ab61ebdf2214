package dev.tenantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tenantry.api.Json;
import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs a client action and prints its result as a table or JSON; API errors go to stderr with exit code 1. */
final class Output {
    private Output() {}

    static int run(ClientOptions options, Function<ApiClient, JsonNode> action, Consumer<JsonNode> table) {
        PrintStream out = System.out;
        try {
            JsonNode result = action.apply(options.client());
            if (result == null) return 0;
            switch (options.format()) {
                case json -> out.println(Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
                case yaml -> out.print(Json.YAML.writeValueAsString(result));
                case table -> table.accept(result);
            }
            return 0;
        } catch (ApiClient.ApiException e) {
            if (options.json()) printProblemAs(options.format(), e);
            else printProblem(e);
            return 1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.err.println("error: " + e.getOriginalMessage());
            return 1;
        }
    }

    /** The error as the API's problem document (or one made of the message), in JSON or YAML, on standard error. */
    static void printProblemAs(ClientOptions.Format format, ApiClient.ApiException e) {
        JsonNode problem = e.problem != null ? e.problem : Json.MAPPER.createObjectNode().put("title", "error").put("detail", e.getMessage());
        try {
            System.err.print(format == ClientOptions.Format.yaml ? Json.YAML.writeValueAsString(problem) : Json.write(problem) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException unwritable) {
            printProblem(e);
        }
    }

    /** The error once: its message, the field errors it does not already say, and a hint where one helps. */
    static void printProblem(ApiClient.ApiException e) {
        System.err.println("error: " + e.getMessage());
        if (e.problem != null && e.problem.has("errors")) {
            for (JsonNode err : e.problem.get("errors")) {
                String line = err.path("field").asText() + ": " + err.path("message").asText();
                if (!e.getMessage().contains(err.path("message").asText())) System.err.println("  " + line);
            }
        }
        String hint = hint(e.status);
        if (hint != null) System.err.println("hint: " + hint);
    }

    static String hint(int status) {
        return switch (status) {
            case 0 -> "is the control plane running? './tenantry up' starts one; --api-url, TENANTRY_API_URL or 'tenantry context use' choose another";
            case 401 -> "the token is missing, unknown or revoked: --token, TENANTRY_TOKEN or 'tenantry context add' give another";
            case 403 -> "this token's role or tenant does not allow it ('tenantry tokens list' as an admin shows tokens and roles)";
            case 429 -> "too many requests with this token: wait a few seconds and retry";
            case 503 -> "the control plane cannot reach its database: retry in a moment, or see its log";
            default -> null;
        };
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }
}
