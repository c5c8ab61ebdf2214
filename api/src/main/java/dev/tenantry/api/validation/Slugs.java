package dev.tenantry.api.validation;

import java.util.regex.Pattern;

/** DNS-safe identifiers: tenant ids, instance, service and plan names end up in host names. */
public final class Slugs {
    private static final Pattern SLUG = Pattern.compile("[a-z]([a-z0-9-]{0,38}[a-z0-9])?");
    public static final String RULE = "must be 1-40 characters of a-z, 0-9 and '-', start with a letter and not end with '-'";

    private Slugs() {}

    public static boolean isValid(String value) {
        return value != null && SLUG.matcher(value).matches();
    }

    public static void check(Errors errors, String field, String value) {
        if (value == null || value.isEmpty()) errors.add(field, "is required");
        else if (!isValid(value)) errors.add(field, RULE);
    }
}
