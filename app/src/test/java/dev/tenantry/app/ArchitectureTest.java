package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering rules of ARCHITECTURE.md, checked on the compiled production classes of every module. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.tenantry");
        for (String module : new String[] {"api.Json", "server.TenantryServer", "server.domain.InstanceService", "agent.Agent",
                "gateway.Gateway", "cli.ApiClient", "app.DevMode"}) {
            assertThat(classes.contain("dev.tenantry." + module)).as("imported " + module).isTrue();
        }
    }

    /** On JDK 21-23 a virtual thread that waits in a monitor (Object.wait, Process.waitFor) pins its carrier thread. */
    @Test
    void nothingWaitsInAMonitor() {
        noClasses().should().callMethod(Object.class, "wait").orShould().callMethod(Object.class, "wait", long.class)
                .orShould().callMethod(Process.class, "waitFor")
                .orShould().callMethod(Process.class, "waitFor", long.class, java.util.concurrent.TimeUnit.class)
                .because("a virtual thread waiting in a monitor pins its carrier on JDK 21-23: use locks, conditions and onExit()")
                .check(classes);
    }

    @Test
    void apiDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.tenantry.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tenantry.server..", "dev.tenantry.agent..",
                        "dev.tenantry.gateway..", "dev.tenantry.cli..", "dev.tenantry.app..", "dev.tenantry.examples..")
                .check(classes);
    }

    @Test
    void agentGatewayAndCliDependOnTheApiOnly() {
        noClasses().that().resideInAnyPackage("dev.tenantry.agent..", "dev.tenantry.gateway..", "dev.tenantry.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tenantry.server..", "dev.tenantry.app..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.tenantry.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tenantry.gateway..", "dev.tenantry.cli..").check(classes);
        noClasses().that().resideInAPackage("dev.tenantry.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tenantry.agent..", "dev.tenantry.cli..").check(classes);
        noClasses().that().resideInAPackage("dev.tenantry.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tenantry.agent..", "dev.tenantry.gateway..").check(classes);
    }

    @Test
    void theServerDoesNotDependOnTheDataPlane() {
        noClasses().that().resideInAPackage("dev.tenantry.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tenantry.agent..", "dev.tenantry.gateway..",
                        "dev.tenantry.cli..", "dev.tenantry.app..")
                .check(classes);
    }

    @Test
    void domainAndReconcileCodeUseNeitherHttpNorJdbiTypes() {
        noClasses().that().resideInAnyPackage("dev.tenantry.server.domain..", "dev.tenantry.server.reconcile..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.jdbi..", "jakarta.servlet..",
                        "org.eclipse.jetty..", "dev.tenantry.server.http..")
                .check(classes);
    }
}
