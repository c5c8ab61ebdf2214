package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.agent.driver.ConvergePlan.Add;
import dev.tenantry.agent.driver.ConvergePlan.Change;
import dev.tenantry.agent.driver.ConvergePlan.Flip;
import dev.tenantry.agent.driver.ConvergePlan.Remove;
import dev.tenantry.agent.driver.ConvergePlan.Replace;
import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.cell.Deployment;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an instance's converging thread does next, decided without a process: one change at a time, a new release as one flip. */
class ConvergePlanTest {
    private record Running(String template, String release) implements ConvergePlan.Running {}

    private static Component component(String name, int replicas, String... command) {
        return new Component(name, List.of(command.length == 0 ? "/bin/app" : command[0]), List.of(), Map.of(), List.of(), null, null, replicas);
    }

    private static Deployment deployment(String release, boolean hibernated, Instant restartedAt, Component... components) {
        return new Deployment("u1", "acme", "app", 1, "svc", release, List.of(components), null, null, restartedAt, hibernated);
    }

    private static Deployment deployment(String release, Component... components) {
        return deployment(release, false, null, components);
    }

    /** The replicas of every slot of {@code d}, each started from exactly what {@code d} says. */
    private static Map<String, Running> running(Deployment d) {
        Map<String, Running> slots = new LinkedHashMap<>();
        for (Component c : d.components()) {
            for (int i = 0; i < c.replicasOrDefault(); i++) slots.put(c.name() + "-" + i, new Running(ReplicaTemplate.of(d, c), d.release()));
        }
        return slots;
    }

    @Test
    void emptySlotsAreFilledOneAtATimeInComponentAndIndexOrder() {
        Deployment d = deployment("1.0.0", component("web", 2), component("worker", 1));
        Map<String, Running> slots = new LinkedHashMap<>();
        Optional<Change<Running>> first = ConvergePlan.next(d, false, slots);
        assertThat(first).containsInstanceOf(Add.class);
        assertThat(((Add<Running>) first.get()).slot()).isEqualTo("web-0");

        slots.put("web-0", new Running(ReplicaTemplate.of(d, d.components().get(0)), "1.0.0"));
        assertThat(((Add<Running>) ConvergePlan.next(d, false, slots).get()).slot()).isEqualTo("web-1");
    }

    @Test
    void nothingToDoOnceEverySlotRunsItsTemplate() {
        Deployment d = deployment("1.0.0", component("web", 2), component("worker", 1));
        assertThat(ConvergePlan.next(d, false, running(d))).isEmpty();
    }

    @Test
    void aChangedTemplateOfTheSameReleaseReplacesOneSlotAtATime() {
        Deployment before = deployment("1.0.0", component("web", 2));
        Deployment restarted = deployment("1.0.0", false, Instant.parse("2026-12-01T10:00:00Z"), component("web", 2));
        Map<String, Running> slots = running(before);
        Change<Running> next = ConvergePlan.next(restarted, false, slots).orElseThrow();
        assertThat(next).isInstanceOf(Replace.class);
        Replace<Running> replace = (Replace<Running>) next;
        assertThat(replace.slot()).isEqualTo("web-0");
        assertThat(replace.old()).isSameAs(slots.get("web-0"));
    }

    @Test
    void aNewReleaseIsOneFlipOfEveryChangedSlot() {
        Deployment before = deployment("1.0.0", component("web", 2), component("worker", 1));
        Deployment upgraded = deployment("2.0.0", component("web", 2), component("worker", 1));
        Change<Running> next = ConvergePlan.next(upgraded, false, running(before)).orElseThrow();
        assertThat(next).isInstanceOf(Flip.class);
        assertThat(((Flip<Running>) next).slots()).extracting(ConvergePlan.SlotChange::slot).containsExactly("web-0", "web-1", "worker-0");
    }

    @Test
    void aNewReleaseWithMoreReplicasFlipsTheNewSlotsWithTheChangedOnes() {
        Deployment before = deployment("1.0.0", component("web", 1));
        Deployment upgraded = deployment("2.0.0", component("web", 2));
        Flip<Running> flip = (Flip<Running>) ConvergePlan.next(upgraded, false, running(before)).orElseThrow();
        assertThat(flip.slots()).hasSize(2);
        assertThat(flip.slots().get(0)).isInstanceOf(Replace.class);
        assertThat(flip.slots().get(1)).isInstanceOf(Add.class);
    }

    @Test
    void slotsTheDeploymentNoLongerHasAreRemovedLast() {
        Deployment before = deployment("1.0.0", component("web", 3));
        Deployment scaledDown = deployment("1.0.0", component("web", 1));
        Change<Running> next = ConvergePlan.next(scaledDown, false, running(before)).orElseThrow();
        assertThat(next).isInstanceOf(Remove.class);
        assertThat(((Remove<Running>) next).slot()).isEqualTo("web-1");
    }

    @Test
    void aHibernatedDeploymentWantsNoReplicaUntilWoken() {
        Deployment running = deployment("1.0.0", component("web", 1));
        Deployment asleep = deployment("1.0.0", true, null, component("web", 1));
        assertThat(ConvergePlan.wantedSlots(asleep, false)).isEmpty();
        assertThat(ConvergePlan.next(asleep, false, running(running))).containsInstanceOf(Remove.class);
        assertThat(ConvergePlan.wantedSlots(asleep, true)).containsExactly("web-0");
        assertThat(ConvergePlan.next(asleep, true, new LinkedHashMap<>())).containsInstanceOf(Add.class);
    }
}
