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
import dev.tenantry.examples.hello.HelloBlueprint;
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
 * Preloads the example service {@code hello} with its plan {@code starter}. Its blueprint names this
 * machine's java binary and the example's classpath; releases are immutable, so when those differ from
 * every stored release (Tenantry was moved or rebuilt elsewhere), a release {@code 1.0.0+<hash>} is added,
 * once per distinct blueprint: any number of starts on one installation registers nothing new.
 */
final class ExampleCatalog {
    static final String SERVICE = "hello";
    static final String PLAN = "starter";
    private static final String VERSION = "1.0.0";

    private ExampleCatalog() {}

    static String preload(CatalogService catalog, Path home) {
        Principal system = Principal.SYSTEM;
        Blueprint blueprint = blueprint(readableCopy(HelloBlueprint.classpath(), home.resolve("examples")));
        try {
            catalog.service(SERVICE);
        } catch (NotFoundException e) {
            catalog.createService(system, new ServiceCreate(SERVICE, "Example web app that greets its tenant"));
        }
        String version = releaseFor(catalog, blueprint);
        try {
            catalog.plan(SERVICE, PLAN);
        } catch (NotFoundException e) {
            catalog.createPlan(system, SERVICE, new PlanCreate(PLAN, Plan.Isolation.dedicated, 1, new Resources(128, 1000), 3,
                    new Resources(512, 2000), null, null, new BigDecimal("0.01")));
        }
        return version;
    }

    /**
     * The release whose blueprint is this one (compared in canonical form, whatever order or defaults it was stored
     * with); a new release only for a blueprint not registered yet: 1.0.0 first, then 1.0.0+hash of the blueprint.
     */
    static String releaseFor(CatalogService catalog, Blueprint blueprint) {
        String canonical = Json.canonical(blueprint);
        List<Release> releases = catalog.releases(SERVICE);
        for (Release existing : releases) {
            if (Json.canonical(existing.blueprint()).equals(canonical)) return existing.version();
        }
        boolean firstTaken = releases.stream().anyMatch(r -> r.version().equals(VERSION));
        String version = firstTaken ? VERSION + "+" + Hashes.sha256(canonical).substring(0, 12) : VERSION;
        catalog.createRelease(Principal.SYSTEM, SERVICE, new ReleaseCreate(version, blueprint));
        return version;
    }

    static Blueprint blueprint(Path classpath) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            return Json.YAML.readValue(HelloBlueprint.yaml(java, classpath), Blueprint.class);
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
