package dev.tenantry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other without a cycle (the wiring in the root package may use them all; none may
 * use it back). Read from the sources: every reference to a class of another package, imported or written in full.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/tenantry/server");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.tenantry\\.server\\.(?:([a-z]+)\\.)?[A-Z]");
    private static final String ROOT = "(root)";

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> uses = dependencies();
        assertThat(uses).containsKeys("domain", "store", "http", "reconcile");
        List<String> cycles = new ArrayList<>();
        for (String from : uses.keySet()) {
            List<String> path = pathBack(uses, from);
            if (path != null) cycles.add(String.join(" -> ", path));
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    /** Package (its first segment under the server's) to the packages its classes refer to. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(file.getParent());
                String pkg = dir.toString().isEmpty() ? ROOT : dir.getName(0).toString();
                Matcher m = REFERENCE.matcher(Files.readString(file));
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                while (m.find()) {
                    String target = m.group(1) == null ? ROOT : m.group(1);
                    if (!target.equals(pkg)) used.add(target);
                }
            }
        }
        return uses;
    }

    /** A path of dependencies from {@code start} back to itself, or null. */
    private static List<String> pathBack(Map<String, Set<String>> uses, String start) {
        return walk(uses, start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
    }

    private static List<String> walk(Map<String, Set<String>> uses, String start, String at, List<String> path, Set<String> seen) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (!seen.add(next)) continue;
            path.add(next);
            List<String> found = walk(uses, start, next, path, seen);
            if (found != null) return found;
            path.removeLast();
        }
        return null;
    }
}
