package dev.tenantry.server.tenantdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.SecretRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DedicatedServerTest {
    private static final SecretRef PASSWORD = new SecretRef("database-server:pg-ins_abc", 1);

    @Test
    void theServerIsADeploymentOfItsOwnWithoutRouteAndWithThePasswordAsASecretFile() {
        Deployment d = DedicatedServer.deployment("ins_abc", "acme", "notes", PASSWORD, null);
        assertThat(d.instanceUid()).isEqualTo(DedicatedServer.name("ins_abc")).isEqualTo("pg-ins_abc");
        assertThat(DedicatedServer.isServer(d.instanceUid())).as("a report naming it is read for servers").isTrue();
        assertThat(DedicatedServer.isServer(dev.tenantry.server.domain.Ids.newId("ins", 16))).as("an instance's uid is not").isFalse();
        assertThat(d.tenant()).isEqualTo("acme");
        assertThat(d.ingress()).isNull();
        assertThat(d.host()).isNull();
        assertThat(d.secrets()).containsExactly(Map.entry(DedicatedServer.ADMIN_PASSWORD, PASSWORD));
        Component postgres = d.components().getFirst();
        assertThat(d.components()).hasSize(1);
        assertThat(postgres.replicas()).isEqualTo(1);
        assertThat(postgres.ports()).extracting(p -> p.name()).containsExactly("postgres");
        assertThat(postgres.health().type()).isEqualTo(dev.tenantry.api.blueprint.HealthCheck.Type.tcp);
        assertThat(postgres.args()).contains("{{postgres.bin}}", "{{instance.dataDir}}", "{{ports.postgres}}", "{{secretFiles.admin_password}}");
        String everything = String.join(" ", postgres.command()) + " " + String.join(" ", postgres.args());
        assertThat(everything).as("no password on a command line").doesNotContain("{{secrets.");
        assertThat(everything).contains("--pwfile");
        assertThat(postgres.args()).last().isEqualTo("127.0.0.1");
        assertThat(DedicatedServer.host(null)).isEqualTo("127.0.0.1");
    }

    @Test
    void onACellThatGivesAnAddressItListensThereTooAndIsReachedThere() {
        Deployment d = DedicatedServer.deployment("ins_abc", "acme", "notes", PASSWORD, "10.0.0.7");
        assertThat(d.components().getFirst().args()).last().as("loopback stays, for the agent's health check").isEqualTo("127.0.0.1,10.0.0.7");
        assertThat(DedicatedServer.host("10.0.0.7")).isEqualTo("10.0.0.7");
    }

    @Test
    void itsPortIsKnownOnceItRunsHealthy() {
        assertThat(DedicatedServer.listeningPort(null)).isEmpty();
        assertThat(DedicatedServer.listeningPort(observed(ObservedInstance.State.STARTING, false))).isEmpty();
        assertThat(DedicatedServer.listeningPort(observed(ObservedInstance.State.FAILED, false))).isEmpty();
        assertThat(DedicatedServer.listeningPort(observed(ObservedInstance.State.RUNNING, true))).hasValue(54321);
    }

    private static ObservedInstance observed(ObservedInstance.State state, boolean healthy) {
        ObservedReplica replica = new ObservedReplica("postgres", 0, 42L, Map.of("postgres", 54321), healthy, 0, null, Instant.EPOCH,
                healthy ? Instant.EPOCH : null, "dedicated", false);
        return new ObservedInstance("pg-ins_abc", 1, state, null, List.of(replica), null, null);
    }
}
