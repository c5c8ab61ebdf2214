package dev.tenantry.api.blueprint;

import dev.tenantry.api.validation.Errors;
import java.util.LinkedHashMap;
import java.util.Map;

/** Binds the parameter values an instance request gives to the blueprint's typed parameters. */
public final class ParameterBinder {
    /** The longest string value a parameter takes, in characters. */
    public static final int MAX_STRING_CHARS = 4096;

    private ParameterBinder() {}

    /**
     * {@link #bind} of the values a request gives, over an instance's {@code previous} ones (null: a new instance): a
     * secret parameter's value must be text, and one the request leaves out keeps its stored version.
     */
    public static Map<String, Object> bindRequest(Blueprint blueprint, Map<String, Object> given, Map<String, Object> previous) {
        Map<String, Object> values = new LinkedHashMap<>(given == null ? Map.of() : given);
        Errors errors = new Errors();
        for (Parameter p : blueprint.parameters()) {
            if (!p.isSecret()) continue;
            if (values.containsKey(p.name()) && !(values.get(p.name()) instanceof String)) {
                errors.add("parameters." + p.name(), "must be of type secret (text)");
            } else if (!values.containsKey(p.name()) && previous != null && isSecretMarker(previous.get(p.name()))) {
                values.put(p.name(), previous.get(p.name()));
            }
        }
        errors.throwIfAny();
        return bind(blueprint, values);
    }

    private static int maxChars(Parameter p) {
        return p.isSecret() ? dev.tenantry.api.model.SecretValue.MAX_CHARS : MAX_STRING_CHARS;
    }

    /** Returns every declared parameter with its typed value (given, else default); throws naming each bad one. */
    public static Map<String, Object> bind(Blueprint blueprint, Map<String, Object> given) {
        Map<String, Object> values = given == null ? Map.of() : given;
        Errors errors = new Errors();
        for (String name : values.keySet()) {
            if (blueprint.parameter(name) == null) errors.add("parameters." + name, "is not a parameter of this service");
        }
        Map<String, Object> bound = new LinkedHashMap<>();
        for (Parameter p : blueprint.parameters()) {
            String field = "parameters." + p.name();
            Object raw = values.containsKey(p.name()) ? values.get(p.name()) : p.defaultValue();
            if (raw == null) {
                if (p.isRequired()) errors.add(field, "is required");
                continue;
            }
            Object value = coerce(p, raw);
            if (value == null) {
                errors.add(field, "must be of type " + p.type());
            } else if (value instanceof String text && text.length() > maxChars(p)) {
                errors.add(field, "must be at most " + maxChars(p) + " characters (it has " + text.length() + ")");
            } else if (value instanceof String text && text.indexOf('\0') >= 0) {
                errors.add(field, "must not contain NUL characters");
            } else if (!p.allowed().isEmpty() && p.allowed().stream().map(a -> coerce(p, a)).noneMatch(value::equals)) {
                errors.add(field, "must be one of " + p.allowed());
            } else {
                bound.put(p.name(), value);
            }
        }
        errors.throwIfAny();
        return bound;
    }

    /** The value as the parameter's type, or null when it is not of that type. Strict: "3" is not an integer. */
    static Object coerce(Parameter p, Object raw) {
        return switch (p.type()) {
            case string -> raw instanceof String s ? s : null;
            case integer -> (raw instanceof Integer || raw instanceof Long) ? ((Number) raw).longValue() : null;
            case bool -> raw instanceof Boolean b ? b : null;
            case secret -> raw instanceof String || isSecretMarker(raw) ? raw : null;
        };
    }

    /** What an instance's spec keeps for a secret parameter in place of its value: that it is set, and its version. */
    public static Map<String, Object> secretMarker(int version) {
        return Map.of("secret", true, "version", version);
    }

    public static boolean isSecretMarker(Object value) {
        return value instanceof Map<?, ?> m && m.size() == 2 && Boolean.TRUE.equals(m.get("secret")) && m.get("version") instanceof Number;
    }
}
