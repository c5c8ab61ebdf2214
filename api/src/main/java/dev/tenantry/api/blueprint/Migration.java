package dev.tenantry.api.blueprint;

/**
 * One schema change of a release: Flyway's versioned migration {@code V<version>__<description>.sql}. Versions are dotted
 * numbers ({@code 1}, {@code 1.1}, {@code 2}); a release carries all its migrations in ascending order, those of the
 * releases before it included, and a tenant's database runs those it has not run yet.
 */
public record Migration(String version, String description, String sql) {
    public static final String VERSION = "[0-9]{1,9}(\\.[0-9]{1,9}){0,4}";
    public static final String DESCRIPTION = "[A-Za-z0-9][A-Za-z0-9 _-]{0,99}";
    /** The most SQL text one release's migrations may have together. */
    public static final int MAX_TOTAL_CHARS = 1_000_000;

    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile("V([^_]+)__(.+)\\.sql");

    /** A migration from a file named as Flyway names them ({@code V1.1__add_author.sql}); null when the name is not such. */
    public static Migration fromFile(String fileName, String sql) {
        java.util.regex.Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) return null;
        return new Migration(m.group(1), m.group(2).replace('_', ' '), sql);
    }

    /** Orders versions as numbers (1.10 after 1.9). */
    public static final java.util.Comparator<Migration> BY_VERSION = (a, b) -> compareVersions(a.version(), b.version());

    /** Compares two dotted versions as Flyway does: part by part as numbers, trailing zeros not counting (1 and 1.0 are one version). */
    public static int compareVersions(String a, String b) {
        return java.util.Arrays.compare(parts(a), parts(b));
    }

    private static int[] parts(String version) {
        try {
            int[] parts = java.util.Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
            int length = parts.length;
            while (length > 1 && parts[length - 1] == 0) length--;
            return java.util.Arrays.copyOf(parts, length);
        } catch (NumberFormatException e) {
            return new int[] {Integer.MAX_VALUE};
        }
    }

    /** The file name Flyway knows it by. */
    public String fileName() {
        return "V" + version + "__" + description.replace(' ', '_') + ".sql";
    }
}
