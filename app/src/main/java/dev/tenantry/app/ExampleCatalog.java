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
import java.nio.file.Path;

/**
 * Preloads the example service {@code hello} with its plan {@code starter}. Its blueprint names this
 * machine's java binary and the example's classpath; releases are immutable, so when those differ from
 * the stored release 1.0.0 (Tenantry was moved or rebuilt elsewhere), a release {@code 1.0.0+<hash>} is added.
 */
final class ExampleCatalog {
    static final String SERVICE = "hello";
    static final String PLAN = "starter";
    private static final String VERSION = "1.0.0";

    private ExampleCatalog() {}

    static String preload(CatalogService catalog) {
        Principal system = Principal.SYSTEM;
        Blueprint blueprint = blueprint();
        try {
            catalog.service(SERVICE);
        } catch (NotFoundException e) {
            catalog.createService(system, new ServiceCreate(SERVICE, "Example web app that greets its tenant"));
        }
        String version = releaseFor(catalog, blueprint);
        try {
            catalog.plan(SERVICE, PLAN);
        } catch (NotFoundException e) {
            catalog.createPlan(system, SERVICE, new PlanCreate(PLAN, Plan.Isolation.dedicated, 1, new Resources(48, 100), 3,
                    new Resources(256, 1000), null, null, new BigDecimal("0.01")));
        }
        return version;
    }

    private static String releaseFor(CatalogService catalog, Blueprint blueprint) {
        for (String version : new String[] {VERSION, VERSION + "+" + hash(blueprint)}) {
            try {
                Release existing = catalog.release(SERVICE, version);
                if (existing.blueprint().equals(blueprint)) return version;
            } catch (NotFoundException e) {
                catalog.createRelease(Principal.SYSTEM, SERVICE, new ReleaseCreate(version, blueprint));
                return version;
            }
        }
        throw new IllegalStateException("release " + VERSION + "+" + hash(blueprint) + " of hello exists with another blueprint");
    }

    static Blueprint blueprint() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            return Json.YAML.readValue(HelloBlueprint.yaml(java), Blueprint.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(Blueprint blueprint) {
        return Hashes.sha256(Json.write(blueprint)).substring(0, 8);
    }
}
