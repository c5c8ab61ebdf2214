package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Blueprint;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.Parameter;
import dev.tenantry.api.blueprint.PortSpec;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.model.InstanceSpec;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.model.Phase;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.api.model.Tenant;
import dev.tenantry.server.store.InstanceRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentRendererTest {
    private final Component web = new Component("web", List.of("/bin/web", "--tenant={{tenant.id}}", "--port={{ports.http}}"), List.of(),
            Map.of("GREETING", "{{params.greeting}} from {{instance.name}}", "VERSION", "{{release.version}}"),
            List.of(new PortSpec("http")), null, new Resources(64, 100), 1);
    private final Component worker = new Component("worker", List.of("/bin/worker"), List.of(), Map.of(), List.of(), null, null, 3);
    private final Blueprint blueprint = new Blueprint(List.of(web, worker),
            List.of(new Parameter("greeting", Parameter.Type.string, "Hello", List.of(), false, null)), null);
    private final Release release = new Release("hello", "2.0.0", blueprint, null);
    private final Tenant tenant = new Tenant("acme", "Acme Corp", null, null, null, null, null);
    private final InstanceRecord instance = new InstanceRecord("ins_1", "acme", "web", 7,
            new InstanceSpec("hello", "pro", "2.0.0", Map.of("greeting", "Hi")),
            new InstanceStatus(Phase.PENDING, 0, null, null, null, null, List.of(), List.of()), null, "local", null, false, 0, 0, null, null, null, null, null);

    @Test
    void resolvesServerPlaceholdersAndLeavesAgentOnesForTheAgent() {
        Plan plan = new Plan("hello", "pro", Plan.Isolation.dedicated, null, null, null, null, null, null, BigDecimal.ONE, null, null);
        Deployment d = DeploymentRenderer.render(instance, tenant, release, plan, "example.test");
        Component rendered = d.components().get(0);
        assertThat(rendered.command()).containsExactly("/bin/web", "--tenant=acme", "--port={{ports.http}}");
        assertThat(rendered.env()).containsEntry("GREETING", "Hi from web").containsEntry("VERSION", "2.0.0");
        assertThat(d.host()).isEqualTo("web.acme.example.test");
        assertThat(d.generation()).isEqualTo(7);
        assertThat(d.ingress().component()).isEqualTo("web");
        assertThat(d.ingress().port()).isEqualTo("http");
    }

    @Test
    void thePlanSetsTheIngressReplicasAndSizesEveryComponent() {
        Plan plan = new Plan("hello", "pro", Plan.Isolation.dedicated, 4, new Resources(256, null), null, null, null, null, BigDecimal.ONE, null, null);
        Deployment d = DeploymentRenderer.render(instance, tenant, release, plan, "localhost");
        assertThat(d.components().get(0).replicas()).isEqualTo(4);
        assertThat(d.components().get(1).replicas()).isEqualTo(3);
        assertThat(d.components().get(0).resources()).isEqualTo(new Resources(256, 100));
        assertThat(d.components().get(1).resources()).as("the default CPU").isEqualTo(new Resources(256, Resources.DEFAULT.cpuMillis()));
    }

    @Test
    void theFootprintCountsEveryReplicaOfEveryComponentAlsoOfAStoppedInstance() {
        Plan plan = new Plan("hello", "pro", Plan.Isolation.dedicated, 4, new Resources(256, null), null, null, null, null, BigDecimal.ONE, null, null);
        var footprint = DeploymentRenderer.footprint(blueprint, plan, instance.spec());
        assertThat(footprint).isEqualTo(new dev.tenantry.api.model.QuotaUsage.Usage(1, 4 * 100 + 3 * Resources.DEFAULT.cpuMillis(), 4 * 256 + 3 * 256));
        assertThat(DeploymentRenderer.footprint(blueprint, plan, instance.spec().withStopped(true))).as("what it may take again").isEqualTo(footprint);
    }

    @Test
    void aQuotaIsExceededOnlyPastItsLimitAndALeftOutFieldIsNoLimit() {
        var quota = new dev.tenantry.api.model.Quota(2, null, 1000);
        assertThat(Quotas.exceeded(quota, new dev.tenantry.api.model.QuotaUsage.Usage(2, 99_999, 1000))).isEmpty();
        assertThat(Quotas.exceeded(quota, new dev.tenantry.api.model.QuotaUsage.Usage(3, 0, 0))).contains("instances");
        assertThat(Quotas.exceeded(quota, new dev.tenantry.api.model.QuotaUsage.Usage(1, 0, 1001))).contains("memoryMb");
    }

    @Test
    void secretsAreNamedByVersionAndLeftForTheAgentAndATenantsLookalikeStaysALiteral() {
        Component vault = new Component("web", List.of("/bin/web", "--cert={{secretFiles.cert}}"), List.of(),
                Map.of("KEY", "{{secrets.apiKey}}", "GREETING", "{{params.greeting}}"), List.of(), null, null, 1);
        Blueprint withSecrets = new Blueprint(List.of(vault), blueprint.parameters(), null, null, null,
                List.of(new dev.tenantry.api.blueprint.SecretDeclaration("apiKey", null), new dev.tenantry.api.blueprint.SecretDeclaration("cert", null)));
        InstanceRecord sneaky = new InstanceRecord("ins_2", "acme", "web", 1, new InstanceSpec("hello", "pro", "2.0.0", Map.of("greeting", "{{secrets.apiKey}}")),
                instance.status(), null, "local", null, false, 0, 0, null, null, null, null, null);
        Plan plan = new Plan("hello", "pro", Plan.Isolation.dedicated, null, null, null, null, null, null, BigDecimal.ONE, null, null);
        Map<String, dev.tenantry.api.cell.SecretRef> refs = Map.of("apiKey", new dev.tenantry.api.cell.SecretRef("tenant:acme", 3),
                "cert", new dev.tenantry.api.cell.SecretRef("service:hello", 1));
        Deployment d = DeploymentRenderer.render(sneaky, tenant, new Release("hello", "2.0.0", withSecrets, null), plan, "localhost", refs, Map.of());
        assertThat(d.secrets()).isEqualTo(refs);
        assertThat(d.components().get(0).env()).containsEntry("KEY", "{{secrets.apiKey}}")
                .containsEntry("GREETING", dev.tenantry.api.blueprint.Placeholders.literal("{{secrets.apiKey}}"));
        assertThat(d.components().get(0).command()).containsExactly("/bin/web", "--cert={{secretFiles.cert}}");
    }

    @Test
    void aReleaseWithADatabaseGivesEveryComponentItsEndpointAndItsOwnEnvWins() {
        Component api = new Component("api", List.of("/bin/api", "--db-host={{database.host}}"), List.of(),
                Map.of("DATABASE_URL", "{{database.jdbcUrl}}", "PGPORT", "6432"), List.of(new PortSpec("http")), null, null, 1);
        Blueprint withDatabase = new Blueprint(List.of(api, worker), List.of(), null, null, null, null,
                new dev.tenantry.api.blueprint.DatabaseDeclaration("postgres", List.of()));
        Release r = new Release("hello", "2.0.0", withDatabase, null);
        Plan plan = new Plan("hello", "pro", Plan.Isolation.dedicated, null, null, null, null, null, null, BigDecimal.ONE, null, null);
        var endpoint = new dev.tenantry.server.tenantdb.DatabaseEndpoint("127.0.0.1", 5433, "schemas_hello", "t_1", "t_1_1");
        Deployment d = DeploymentRenderer.render(instance, tenant, r, plan, "localhost", Map.of(), Map.of(), endpoint);
        Component renderedApi = d.components().get(0);
        assertThat(renderedApi.command()).containsExactly("/bin/api", "--db-host=127.0.0.1");
        assertThat(renderedApi.env()).containsEntry("DATABASE_URL", endpoint.jdbcUrl()).containsEntry("PGPORT", "6432")
                .containsEntry("PGUSER", "t_1_1").containsEntry("PGPASSWORD", "{{secrets.PGPASSWORD}}");
        assertThat(d.components().get(1).env()).as("every component").containsEntry("PGDATABASE", "schemas_hello").containsEntry("PGPORT", "5433");
    }
}
