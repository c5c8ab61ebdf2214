package dev.tenantry.api.model;

/** The body that sets a secret's next version. */
public record SecretValue(String value) {
    /** The longest value a secret takes, in characters (a certificate chain with its key fits easily). */
    public static final int MAX_CHARS = 32_768;

    /** Never the value, so that no log line, exception or debugger view shows it by accident. */
    @Override
    public String toString() {
        return "SecretValue[" + (value == null ? "null" : value.length() + " characters") + "]";
    }
}
