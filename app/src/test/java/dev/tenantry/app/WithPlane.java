package dev.tenantry.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of integration tests that share one real control plane per test class, with tenants acme and globex. */
abstract class WithPlane {
    static TestPlane plane;

    @BeforeAll
    static void startPlane() throws Exception {
        plane = TestPlane.start();
        plane.createTenant("acme");
        plane.createTenant("globex");
    }

    @AfterAll
    static void stopPlane() throws Exception {
        plane.close();
    }
}
