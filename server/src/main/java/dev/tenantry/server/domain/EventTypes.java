package dev.tenantry.server.domain;

import dev.tenantry.api.validation.Errors;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which event types a webhook subscription or an event stream takes: {@code *} (all), an exact type
 * ({@code instance.running}) or a prefix ending in {@code .*} ({@code alert.*}).
 */
public final class EventTypes {
    /** Types one subscription or stream names at most. */
    public static final int MAX = 50;
    private static final Pattern TYPE = Pattern.compile("\\*|[a-z][a-z0-9-]*(\\.[a-z0-9_-]+)*(\\.\\*)?");

    private EventTypes() {}

    /** Adds an error for each of {@code types} that is not a type, a prefix or {@code *} ({@code field[i]}), or for too many. */
    static void check(Errors errors, String field, List<String> types) {
        if (types.size() > MAX) errors.add(field, "at most " + MAX + " types");
        for (int i = 0; i < types.size(); i++) {
            String t = types.get(i);
            if (t == null || t.length() > 100 || !TYPE.matcher(t).matches()) {
                errors.add(field + "[" + i + "]", "must be an event type (instance.running), a prefix (alert.*) or *");
            }
        }
    }

    /** Throws a {@link ValidationFailure} naming {@code field} (or {@code field[i]}) unless {@link #check} finds nothing. */
    public static void requireValid(String field, List<String> types) {
        Errors errors = new Errors();
        check(errors, field, types);
        errors.throwIfAny();
    }

    /**
     * The types a request's query names: each value of the parameter, split at commas ({@code type=a&type=b} and
     * {@code type=a,b} alike); empty when none.
     */
    public static List<String> fromQuery(List<String> values) {
        return values.stream().flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    /** Whether an event of {@code type} is one of {@code types}. */
    public static boolean matches(List<String> types, String type) {
        for (String t : types) {
            if (t.equals("*") || t.equals(type)) return true;
            if (t.endsWith(".*") && type.startsWith(t.substring(0, t.length() - 1))) return true;
        }
        return false;
    }

    /**
     * The same filter as SQL {@code LIKE} patterns (checked types only: they hold no {@code %}; an {@code _} is escaped),
     * or null when one of them is {@code *} (every type).
     */
    public static String[] likePatterns(List<String> types) {
        if (types.contains("*")) return null;
        return types.stream().map(t -> t.replace("_", "\\_")).map(t -> t.endsWith(".*") ? t.substring(0, t.length() - 1) + "%" : t)
                .toArray(String[]::new);
    }
}
