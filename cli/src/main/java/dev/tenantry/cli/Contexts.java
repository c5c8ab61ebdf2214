package dev.tenantry.cli;

import dev.tenantry.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Named control planes the CLI can talk to ({@code tenantry context add prod --url … --token-file …}), and the one in
 * use. Kept in {@code $TENANTRY_CONFIG}, else {@code $XDG_CONFIG_HOME/tenantry/contexts.json}, else
 * {@code ~/.config/tenantry/contexts.json}, readable by its owner only; tokens stay in their own files.
 */
record Contexts(String current, Map<String, Context> contexts) {
    /** A control plane: its API's URL, the file holding the token, and the CA to trust for HTTPS (null: the JDK's). */
    record Context(String url, String tokenFile, String caFile) {}

    Contexts {
        contexts = contexts == null ? new TreeMap<>() : new TreeMap<>(contexts);
    }

    static Path file() {
        String explicit = System.getenv("TENANTRY_CONFIG");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("tenantry").resolve("contexts.json");
    }

    /** The saved contexts (none when the file does not exist); a file that cannot be read is an error, not silence. */
    static Contexts load() {
        Path file = file();
        if (!Files.exists(file)) return new Contexts(null, Map.of());
        try {
            return Json.read(Files.readString(file), Contexts.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a contexts file: " + e.getMessage(), e);
        }
    }

    void save() {
        try {
            Json.writeAtomically(file(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(), e);
        }
    }

    /** The context named {@code name} (null: the current one), if there is one. */
    Optional<Context> get(String name) {
        String wanted = name != null ? name : current;
        return wanted == null ? Optional.empty() : Optional.ofNullable(contexts.get(wanted));
    }

    Contexts with(String name, Context context) {
        Map<String, Context> all = new TreeMap<>(contexts);
        all.put(name, context);
        return new Contexts(current == null ? name : current, all);
    }

    Contexts without(String name) {
        Map<String, Context> all = new TreeMap<>(contexts);
        all.remove(name);
        return new Contexts(name.equals(current) ? null : current, all);
    }

    Contexts using(String name) {
        return new Contexts(name, contexts);
    }
}
