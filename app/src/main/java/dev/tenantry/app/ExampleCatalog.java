package dev.tenantry.app;

import dev.tenantry.api.Hashes;
import dev.tenantry.api.Json;
import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.PlanCreate;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.ReleaseCreate;
import dev.tenantry.api.model.ServiceCreate;
import dev.tenantry.api.blueprint.DatabaseDeclaration;
import dev.tenantry.api.blueprint.Migration;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.api.model.PlanDatabase;
import dev.tenantry.examples.hello.HelloBlueprint;
import dev.tenantry.examples.notes.NotesBlueprint;
import dev.tenantry.server.domain.CatalogService;
import dev.tenantry.server.domain.NotFoundException;
import dev.tenantry.server.domain.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Preloads the example services: {@code hello} with its plan {@code starter}, and {@code notes} (a database per
 * tenant) with its releases 1.0.0 and 1.1.0 and a plan per database isolation model, named after it. Their blueprints
 * name this machine's java binary and the examples' classpath; releases are immutable, so when those differ from every
 * stored release (Tenantry was moved or rebuilt elsewhere), a release {@code <version>+<hash>} is added, once per
 * distinct blueprint: any number of starts on one installation registers nothing new.
 */
final class ExampleCatalog {
    static final String SERVICE = "hello";
    static final String PLAN = "starter";
    static final String NOTES = "notes";
    /** The notes plans, one per isolation model that dev mode offers. */
    static final List<DatabaseIsolation> NOTES_MODELS = List.of(DatabaseIsolation.values());
    private static final String VERSION = "1.0.0";

    private ExampleCatalog() {}

    /** The starter plan's size, which the class-data cache's training run is started with too. */
    private static final Resources STARTER = new Resources(128, 1000);

    /**
     * {@code -Dtenantry.example.training=off}: no training run for the class-data cache (the integration tests' planes,
     * dozens in one JVM, each with a new home; their replicas start without it, as any replica does before it exists).
     */
    static final String TRAINING_PROPERTY = "tenantry.example.training";

    /** The class-data cache of hello's replicas in {@code home}, for the JDK that runs this. */
    static ExampleClassData classData(Path home) {
        return new ExampleClassData(home.resolve("examples"), SERVICE, Path.of(System.getProperty("java.home"), "bin", "java"), Runtime.version().feature());
    }

    /**
     * Preloads both examples; returns the hello release. Hello's replicas start with the class-data cache {@code cache},
     * made in the background when missing.
     */
    static String preload(CatalogService catalog, Path home, ExampleClassData cache) {
        Path jar = readableCopy(HelloBlueprint.classpath(), home.resolve("examples"));
        Blueprint blueprint = blueprint(jar, cache.options());
        ensureService(catalog, SERVICE, "Example web app that greets its tenant");
        String version = releaseFor(catalog, SERVICE, VERSION, blueprint);
        ensurePlan(catalog, SERVICE, new PlanCreate(PLAN, Plan.Isolation.dedicated, 1, STARTER, 3,
                new Resources(512, 2000), null, null, new BigDecimal("0.01")));
        preloadNotes(catalog, home);
        if (!"off".equals(System.getProperty(TRAINING_PROPERTY))) cache.ensureInBackground(replicaCommand(blueprint), jar);
        return version;
    }

    /** The command of hello's replica on the starter plan. */
    static List<String> replicaCommand(Blueprint blueprint) {
        return blueprint.components().get(0).command().stream()
                .map(arg -> arg.replace("{{resources.memoryMb}}", String.valueOf(STARTER.memoryMb()))).toList();
    }

    private static void preloadNotes(CatalogService catalog, Path home) {
        List<Path> classpath = NotesBlueprint.classpath().stream().map(p -> readableCopy(p, home.resolve("examples"))).toList();
        ensureService(catalog, NOTES, "Example notes app: each tenant's notes in its own database");
        for (String release : NotesBlueprint.RELEASES.keySet()) releaseFor(catalog, NOTES, release, notesBlueprint(release, classpath));
        for (DatabaseIsolation model : NOTES_MODELS) {
            ensurePlan(catalog, NOTES, new PlanCreate(model.name(), Plan.Isolation.dedicated, 1, new Resources(128, 1000), 3,
                    new Resources(512, 2000), null, null, new BigDecimal("0.01"), null, null, new PlanDatabase(model)));
        }
    }

    static Blueprint notesBlueprint(String release, List<Path> classpath) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            Blueprint base = Json.YAML.readValue(NotesBlueprint.yaml(release, java, classpath), Blueprint.class);
            List<Migration> migrations = NotesBlueprint.RELEASES.get(release).stream()
                    .map(file -> Migration.fromFile(file, NotesBlueprint.migration(file))).toList();
            return new Blueprint(base.components(), base.parameters(), base.ingress(), base.hooks(), base.upgrade(), base.secrets(),
                    new DatabaseDeclaration(DatabaseDeclaration.POSTGRES, migrations));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ensureService(CatalogService catalog, String name, String description) {
        try {
            catalog.service(name);
        } catch (NotFoundException e) {
            catalog.createService(Principal.SYSTEM, new ServiceCreate(name, description));
        }
    }

    private static void ensurePlan(CatalogService catalog, String service, PlanCreate plan) {
        try {
            catalog.plan(service, plan.name());
        } catch (NotFoundException e) {
            catalog.createPlan(Principal.SYSTEM, service, plan);
        }
    }

    /**
     * The release whose blueprint is this one (compared in canonical form, whatever order or defaults it was stored
     * with); a new release only for a blueprint not registered yet: {@code version} first, then version+hash of the blueprint.
     */
    static String releaseFor(CatalogService catalog, String service, String version, Blueprint blueprint) {
        String canonical = Json.canonical(blueprint);
        List<Release> releases = catalog.releases(service);
        for (Release existing : releases) {
            if (Json.canonical(existing.blueprint()).equals(canonical)) return existing.version();
        }
        boolean firstTaken = releases.stream().anyMatch(r -> r.version().equals(version));
        String chosen = firstTaken ? version + "+" + Hashes.sha256(canonical).substring(0, 12) : version;
        catalog.createRelease(Principal.SYSTEM, service, new ReleaseCreate(chosen, blueprint));
        return chosen;
    }

    static Blueprint blueprint(Path classpath, List<String> jvmOptions) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            return Json.YAML.readValue(HelloBlueprint.yaml(java, classpath, jvmOptions), Blueprint.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /**
     * The example's jar copied into the home (0644 under 0755), so that a tenant's own user can read it wherever
     * Tenantry itself is installed (under /root, say); a class directory (a development build) is used where it is.
     */
    static Path readableCopy(Path classpath, Path dir) {
        if (!Files.isRegularFile(classpath)) return classpath;
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path copy = dir.resolve(classpath.getFileName());
            if (!Files.exists(copy) || Files.mismatch(copy, classpath) != -1) {
                Path tmp = Files.createTempFile(dir, ".example-", ".jar");
                Files.copy(classpath, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the example to " + dir, e);
        }
    }
}
