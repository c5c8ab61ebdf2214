package dev.tenantry.api.blueprint;

import dev.tenantry.api.validation.Errors;
import java.util.LinkedHashMap;
import java.util.Map;

/** Binds the parameter values an instance request gives to the blueprint's typed parameters. */
public final class ParameterBinder {
    /** The longest string value a parameter takes, in characters. */
    public static final int MAX_STRING_CHARS = 4096;

    private ParameterBinder() {}

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
            } else if (value instanceof String text && text.length() > MAX_STRING_CHARS) {
                errors.add(field, "must be at most " + MAX_STRING_CHARS + " characters (it has " + text.length() + ")");
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
        };
    }
}
