package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a starting agent adopts of the replicas an earlier one left running, decided from their state files alone. */
class AdoptionPlanTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final Deployment SHOP = new Deployment("u1", "acme", "shop", 3, "svc", "1.0.0",
            List.of(new Component("web", List.of("/bin/app"), List.of(), Map.of(), List.of(), null, null, 2)), null, null, null, false);
    private static final String CURRENT = ReplicaTemplate.of(SHOP, SHOP.components().getFirst());

    private static ReplicaState replica(String uid, int index, long generation, long pid, String template) {
        return new ReplicaState(uid, "web", index, generation, pid, T0, T0, Map.of("http", 20_000 + (int) pid), template, "1.0.0");
    }

    @Test
    void eachWantedSlotAdoptsItsReplicaAndTheRestIsStopped() {
        ReplicaState web0 = replica("u1", 0, 3, 101, CURRENT);
        ReplicaState web1 = replica("u1", 1, 3, 102, CURRENT);
        ReplicaState scaledAway = replica("u1", 2, 3, 103, CURRENT);
        ReplicaState deletedInstance = replica("gone", 0, 1, 104, "t");
        AdoptionPlan plan = AdoptionPlan.of(Map.of("u1", SHOP), List.of(web0, web1, scaledAway, deletedInstance));
        assertThat(plan.adopt()).containsOnlyKeys("u1");
        assertThat(plan.adopt().get("u1")).containsExactly(Map.entry("web-0", web0), Map.entry("web-1", web1));
        assertThat(plan.stop()).containsExactlyInAnyOrder(scaledAway, deletedInstance);
    }

    @Test
    void ofTwoReplicasInOneSlotTheOneOfTheCurrentTemplateIsKeptElseTheNewer() {
        ReplicaState old = replica("u1", 0, 2, 201, "an older template");
        ReplicaState current = replica("u1", 0, 3, 202, CURRENT);
        assertThat(AdoptionPlan.of(Map.of("u1", SHOP), List.of(current, old)).stop()).containsExactly(old);
        assertThat(AdoptionPlan.of(Map.of("u1", SHOP), List.of(old, current)).adopt().get("u1")).containsEntry("web-0", current);

        // a replacement cut short: its new replica (generation 3) was started from a template since changed again
        ReplicaState newer = replica("u1", 1, 3, 301, "template a");
        ReplicaState older = replica("u1", 1, 2, 302, "template b");
        AdoptionPlan plan = AdoptionPlan.of(Map.of("u1", SHOP), List.of(older, newer));
        assertThat(plan.adopt().get("u1")).containsEntry("web-1", newer);
        assertThat(plan.stop()).containsExactly(older);
    }
}
