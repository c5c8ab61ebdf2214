package dev.tenantry.api.validation;

import java.util.Map;

/** Labels of a tenant: at most 32, keys like {@code tier} or {@code example.com/region}, short plain values. */
public final class Labels {
    public static final int MAX = 32;

    private Labels() {}

    public static void check(Errors errors, String field, Map<String, String> labels) {
        if (labels == null) return;
        if (labels.size() > MAX) errors.add(field, "at most " + MAX + " labels");
        labels.forEach((k, v) -> {
            if (k == null || !k.matches("[a-z0-9]([a-z0-9./-]{0,61}[a-z0-9])?")) errors.add(field + "." + k, "a label key is 1-63 lower-case letters, digits, '.', '/' and '-'");
            else if (v == null || !v.matches("[A-Za-z0-9._-]{0,63}")) errors.add(field + "." + k, "a label value is up to 63 letters, digits, '.', '_' and '-'");
        });
    }
}
