package dev.tenantry.examples.hello;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The hello blueprint, with the java binary and this module's classpath filled in for the local machine. */
public final class HelloBlueprint {
    private HelloBlueprint() {}

    public static String yaml(Path javaBinary) {
        return yaml(javaBinary, classpath());
    }

    /** With the example's classes at {@code classpath} (a copy of its jar, say). */
    public static String yaml(Path javaBinary, Path classpath) {
        return yaml(javaBinary, classpath, java.util.List.of());
    }

    /** With the example's classes at {@code classpath}, its JVM started with {@code jvmOptions} as well. */
    public static String yaml(Path javaBinary, Path classpath, java.util.List<String> jvmOptions) {
        try (InputStream in = HelloBlueprint.class.getResourceAsStream("blueprint.yaml")) {
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder options = new StringBuilder();
            for (String option : jvmOptions) options.append('"').append(option.replace("\\", "\\\\").replace("\"", "\\\"")).append("\", ");
            return template.replace("@JAVA@", javaBinary.toString()).replace("@JVM_OPTIONS@", options).replace("@CLASSPATH@", classpath.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where HelloApp's class is: the example jar when packaged, target/classes in a development build. */
    public static Path classpath() {
        try {
            return Path.of(HelloApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
