package dev.tenantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Answers 406 to a request whose {@code Accept} takes none of the media types its route answers with, as the OpenAPI
 * document lists them for the route's successful responses (so the document is what the server holds to). A range of
 * a JSON dialect ({@code application/problem+json}) takes {@code application/json}.
 */
final class ContentNegotiation {
    private final Map<String, Set<String>> produced = new HashMap<>();

    ContentNegotiation(JsonNode openApi) {
        openApi.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            Set<String> types = new LinkedHashSet<>();
            operation.getValue().path("responses").properties().forEach(response -> {
                if (response.getKey().startsWith("2")) response.getValue().path("content").fieldNames().forEachRemaining(types::add);
            });
            produced.put(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), types);
        }));
    }

    void check(Context ctx, String route) {
        String accept = ctx.header("Accept");
        Set<String> types = produced.getOrDefault(ctx.method().name() + " " + route, Set.of());
        if (accept == null || accept.isBlank() || types.isEmpty() || types.stream().anyMatch(t -> acceptable(accept, t))) return;
        throw new ProblemException(406, "not-acceptable", "this resource is available as " + String.join(" or ", types)
                + ", which 'Accept: " + accept.strip() + "' does not take", java.util.List.of(new dev.tenantry.api.validation.FieldError("Accept", "send one of " + String.join(", ", types))));
    }

    /** Whether {@code accept} (an Accept header) takes {@code type}: a range that covers it, with no q=0. */
    static boolean acceptable(String accept, String type) {
        String main = type.substring(0, type.indexOf('/'));
        for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = range.split(";");
            String media = parts[0].strip();
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip().replace(" ", "");
                if (parameter.matches("q=0(\\.0{0,3})?")) refused = true;
            }
            if (refused) continue;
            if (media.equals("*/*") || media.equals(type) || media.equals(main + "/*")) return true;
            // a client that takes a JSON dialect (application/problem+json, as generated clients send) takes JSON
            if (type.equals("application/json") && media.startsWith("application/") && media.endsWith("+json")) return true;
        }
        return false;
    }
}
