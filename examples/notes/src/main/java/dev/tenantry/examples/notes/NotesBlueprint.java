package dev.tenantry.examples.notes;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The notes blueprint of each release, for the local machine, and the migrations each release carries. */
public final class NotesBlueprint {
    /**
     * The contract step after 1.1.0's expand (every note has an author): not preloaded, because a release that carries it
     * must wait until no instance of a tenant sharing its schema runs 1.0.0; the tests and the docs publish it.
     */
    public static final String CONTRACT_MIGRATION = "V1.2__require_author.sql";

    /** The releases, oldest first, each with the migration files it carries (those of the releases before it too). */
    public static final Map<String, List<String>> RELEASES = releases();

    private NotesBlueprint() {}

    private static Map<String, List<String>> releases() {
        Map<String, List<String>> releases = new LinkedHashMap<>();
        releases.put("1.0.0", List.of("V1__create_notes.sql"));
        releases.put("1.1.0", List.of("V1__create_notes.sql", "V1.1__add_author.sql"));
        return releases;
    }

    /** The blueprint (without its migrations) of {@code release}, running {@code javaBinary} with the classes at {@code classpath}. */
    public static String yaml(String release, Path javaBinary, List<Path> classpath) {
        String cp = String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList());
        return resource("blueprint.yaml").replace("@JAVA@", javaBinary.toString()).replace("@CLASSPATH@", cp)
                .replace("@AUTHORS@", String.valueOf(!release.equals("1.0.0")));
    }

    /** The SQL of a migration file of the example. */
    public static String migration(String fileName) {
        return resource("migrations/" + fileName);
    }

    private static String resource(String name) {
        try (InputStream in = NotesBlueprint.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("no resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example's jar (target/classes in a development build) and the PostgreSQL driver's. */
    public static List<Path> classpath() {
        return List.of(location(NotesApp.class), location(org.postgresql.Driver.class));
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
