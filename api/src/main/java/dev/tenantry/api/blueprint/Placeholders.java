package dev.tenantry.api.blueprint;

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
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z][a-zA-Z0-9_.-]*)\\s*}}");

    public static final Set<String> SERVER_KEYS =
            Set.of("tenant.id", "tenant.name", "instance.name", "service.name", "release.version");
    public static final Set<String> AGENT_KEYS =
            Set.of("replica.index", "resources.memoryMb", "resources.cpuMillis", "instance.dataDir");

    private Placeholders() {}

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
            String value = resolver.apply(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static boolean isServerKey(String key) {
        return SERVER_KEYS.contains(key) || key.startsWith("params.");
    }
}
