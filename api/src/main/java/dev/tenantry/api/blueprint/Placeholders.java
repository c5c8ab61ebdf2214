package dev.tenantry.api.blueprint;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{scope.name}}} placeholders in blueprint strings. The server resolves the tenant,
 * instance, service, release and parameter scopes when it renders a deployment; the agent resolves
 * {@code ports.*}, {@code replica.*}, {@code resources.*} and {@code instance.dataDir} when it starts
 * a replica, because only it knows the allocated ports and local paths.
 *
 * <p>A value the server fills in (a tenant's parameter, its name) is data, never a template: when it contains
 * {@code {{}, the server inserts it as a {@code {{literal.<base64url>}}} placeholder that the agent's pass turns back
 * into the value, as it is, in the same pass that fills in its own placeholders, so nothing in it is expanded.
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z][a-zA-Z0-9_.-]*)\\s*}}");

    public static final Set<String> SERVER_KEYS =
            Set.of("tenant.id", "tenant.name", "instance.name", "service.name", "release.version");
    public static final Set<String> AGENT_KEYS =
            Set.of("replica.index", "resources.memoryMb", "resources.cpuMillis", "instance.dataDir");

    /** What a blueprint with a database may also use: the server fills them in. */
    public static final Set<String> DATABASE_KEYS =
            Set.of("database.host", "database.port", "database.name", "database.schema", "database.user", "database.jdbcUrl");
    /** A JDBC URL with user and password: environment variables only. */
    public static final String DATABASE_JDBC_URL = "database.jdbcUrl";

    private static final String LITERAL = "literal.";
    /** A secret's value: the agent fills it in, in environment variables only. */
    public static final String SECRET = "secrets.";
    /** The path of a file holding a secret's value, readable by the replica alone: the agent fills it in. */
    public static final String SECRET_FILE = "secretFiles.";

    private Placeholders() {}

    /** The value, safe to insert into a template that another pass will render: placeholders in it stay text. */
    public static String literal(String value) {
        if (value == null || !value.contains("{{")) return value;
        return "{{" + LITERAL + Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "}}";
    }

    public static Set<String> keysIn(String template) {
        Set<String> keys = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) keys.add(m.group(1));
        return keys;
    }

    /** Replaces every placeholder the resolver knows (non-null answer) and leaves the others as they were. */
    public static String render(String template, Function<String, String> resolver) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = key.startsWith(LITERAL) ? decodeLiteral(key) : resolver.apply(key);
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decodeLiteral(String key) {
        try {
            return new String(Base64.getUrlDecoder().decode(key.substring(LITERAL.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static boolean isServerKey(String key) {
        return SERVER_KEYS.contains(key) || key.startsWith("params.") || DATABASE_KEYS.contains(key);
    }
}
