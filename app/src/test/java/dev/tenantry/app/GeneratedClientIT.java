package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openapitools.client.ApiClient;
import org.openapitools.client.ApiException;
import org.openapitools.client.api.AuditApi;
import org.openapitools.client.api.DatabasesApi;
import org.openapitools.client.api.InstancesApi;
import org.openapitools.client.api.OperationsApi;
import org.openapitools.client.api.RolloutsApi;
import org.openapitools.client.api.ServicesApi;
import org.openapitools.client.api.TenantsApi;
import org.openapitools.client.api.UsageApi;
import org.openapitools.client.model.Accepted;
import org.openapitools.client.model.Backup;
import org.openapitools.client.model.InstanceCreate;
import org.openapitools.client.model.InstanceScale;
import org.openapitools.client.model.InstanceStatus;
import org.openapitools.client.model.InstanceUpdate;
import org.openapitools.client.model.OperationState;
import org.openapitools.client.model.ParametersValue;
import org.openapitools.client.model.Rollout;
import org.openapitools.client.model.RolloutCreate;
import org.openapitools.client.model.RolloutSelector;
import org.openapitools.client.model.RolloutStrategy;
import org.openapitools.client.model.TenantCreate;

/**
 * The README's walk-through driven by the Java client that openapi-generator makes from the OpenAPI document at build
 * time (generator "java", its default settings, no edits), against a real control plane: if the document left out a
 * field the server sends, or typed one wrongly, the generated client would refuse the answer.
 */
class GeneratedClientIT {
    private static TestPlane plane;
    private static ApiClient client;

    @BeforeAll
    static void start() throws Exception {
        plane = TestPlane.startWithTenantData();
        client = new ApiClient().setBasePath(plane.api);
        client.setBearerToken(plane.admin);
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void theReadmeWalkThroughThroughTheGeneratedClient() throws Exception {
        TenantsApi tenants = new TenantsApi(client);
        InstancesApi instances = new InstancesApi(client);
        assertThat(new ServicesApi(client).listServices(null, null, null).getItems()).extracting(s -> s.getName()).contains("hello", "notes");

        assertThat(tenants.createTenant(new TenantCreate().id("acme").name("Acme Corp"), null).getEtag()).isNotBlank();
        String key = UUID.randomUUID().toString();
        Accepted created = instances.createInstance("acme", new InstanceCreate().name("web").service("hello").plan("starter"), key);
        assertThat(instances.createInstance("acme", new InstanceCreate().name("web").service("hello").plan("starter"), key)
                .getOperation().getId()).as("a retry with the same Idempotency-Key").isEqualTo(created.getOperation().getId());
        awaitOperation(created);
        assertThat(instances.getInstance("acme", "web", null).getStatus().getPhase()).isEqualTo(InstanceStatus.PhaseEnum.RUNNING);
        assertThat(plane.viaGateway("web.acme.localhost", "/").body()).contains("Hello");
        assertThat(instances.listInstances("acme", null, null, null, null).getItems()).hasSize(1);

        awaitOperation(instances.updateInstance("acme", "web",
                new InstanceUpdate().parameters(Map.of("greeting", new ParametersValue("Hola"))), null));
        assertThat(plane.viaGateway("web.acme.localhost", "/").body()).contains("Hola");
        awaitOperation(instances.scaleInstance("acme", "web", new InstanceScale().replicas(2), null, null));
        assertThat(instances.getInstance("acme", "web", null).getStatus().getReplicas()).hasSize(2);
        awaitOperation(instances.restartInstance("acme", "web", null, null));
        awaitOperation(instances.stopInstance("acme", "web", null, null));
        assertThat(plane.viaGateway("web.acme.localhost", "/").status()).isEqualTo(503);
        awaitOperation(instances.startInstance("acme", "web", null, null));
        awaitOperation(instances.hibernateInstance("acme", "web", null, null));
        assertThat(plane.viaGateway("web.acme.localhost", "/").status()).as("the first request wakes it").isEqualTo(200);
        awaitOperation(instances.deleteInstance("acme", "web"));
        assertThat(plane.viaGateway("web.acme.localhost", "/").status()).isEqualTo(404);
        assertThat(instances.listInstances("acme", null, null, true, null).getItems().getFirst().getPurgeAt()).isNotNull();
        awaitOperation(instances.restoreInstance("acme", "web", null, null));
        awaitOperation(instances.deleteInstance("acme", "web"));
        awaitOperation(instances.purgeInstance("acme", "web", null, null));
        assertThat(instances.listInstances("acme", null, null, true, null).getItems().getFirst().getStatus().getPhase())
                .isEqualTo(InstanceStatus.PhaseEnum.PURGED);

        DatabasesApi databases = new DatabasesApi(client);
        awaitOperation(instances.createInstance("acme", new InstanceCreate().name("notes").service("notes").plan("schema").release("1.0.0"), null));
        assertThat(plane.postViaGateway("notes.acme.localhost", "/notes", "buy milk", "text/plain").status()).isBetween(200, 303);
        assertThat(databases.getInstanceDatabase("acme", "notes", null).getMigrations()).hasSize(1);
        RolloutsApi rollouts = new RolloutsApi(client);
        Rollout rollout = rollouts.createRollout(new RolloutCreate().service("notes").release("1.1.0")
                .selector(new RolloutSelector().tenants(List.of("acme"))).strategy(new RolloutStrategy().bakeSeconds(0)), null);
        await().atMost(TestPlane.WAIT).until(() -> rollouts.getRollout(rollout.getId(), null).getState() == Rollout.StateEnum.SUCCEEDED);
        assertThat(rollouts.listRollouts(null, null, null).getItems().getFirst().getInstanceCount()).isEqualTo(1);
        assertThat(databases.getInstanceDatabase("acme", "notes", null).getMigrations()).hasSize(2);
        assertThat(plane.viaGateway("notes.acme.localhost", "/notes").body()).contains("buy milk");

        Backup backup = databases.createBackup("acme", "notes", null);
        await().atMost(TestPlane.WAIT).until(() -> databases.getBackup("acme", "notes", backup.getId(), null).getState() == Backup.StateEnum.SUCCEEDED);
        assertThat(databases.listBackups("acme", "notes", null, null, null).getItems()).hasSize(1);
        awaitOperation(databases.restoreBackup("acme", "notes", backup.getId(), null, null));
        awaitOperation(instances.updateInstance("acme", "notes", new InstanceUpdate().plan("database"), null));
        assertThat(plane.viaGateway("notes.acme.localhost", "/notes").body()).contains("buy milk");

        assertThat(new AuditApi(client).verifyAuditChain(null).getOk()).isTrue();
        assertThat(new AuditApi(client).listAuditRecords("acme", null, 5, null).getItems()).isNotEmpty();
        assertThat(new UsageApi(client).getUsage(null, null, null, "instance", null, null).getGroupBy())
                .as("the usage answer, read by the generated client's strict model").isEqualTo("instance");

        ApiException missing = org.assertj.core.api.Assertions.catchThrowableOfType(ApiException.class,
                () -> tenants.getTenant("nobody", null));
        assertThat(missing.getCode()).isEqualTo(404);
        assertThat(missing.getResponseBody()).contains("no tenant 'nobody'");
    }

    private static void awaitOperation(Accepted accepted) throws ApiException {
        OperationsApi operations = new OperationsApi(client);
        String id = accepted.getOperation().getId();
        await().atMost(TestPlane.WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> operations.getOperation(id, null).getState() != OperationState.RUNNING
                        && operations.getOperation(id, null).getState() != OperationState.PENDING);
        assertThat(operations.getOperation(id, null).getState()).as(id).isEqualTo(OperationState.SUCCEEDED);
    }
}
