package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.cell.ObservedInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a cell's report says, decided without a server or a driver. */
class ReportDeltaTest {
    private static ObservedInstance running(String uid, long generation) {
        return new ObservedInstance(uid, generation, ObservedInstance.State.RUNNING, null, List.of(), null, null);
    }

    private static ObservedInstance starting(String uid, long generation) {
        return new ObservedInstance(uid, generation, ObservedInstance.State.STARTING, "waiting", List.of(), null, null);
    }

    private final Map<String, ObservedInstance> reported = new HashMap<>(Map.of("a", running("a", 1), "b", running("b", 1), "c", running("c", 1)));

    @Test
    void aHeartbeatSaysEverythingAndReplacesWhatWasReported() {
        var delta = ReportDelta.of(reported, new ReportDelta.Observed(List.of(running("a", 1), running("d", 1)), null), List.of("p"), true);
        assertThat(delta.full()).isTrue();
        assertThat(delta.changed()).extracting(ObservedInstance::instanceUid).containsExactly("a", "d");
        assertThat(delta.removed()).as("a full report names what runs; the rest is gone").isEmpty();
        assertThat(delta.isEmpty()).isFalse();
        delta.applyTo(reported);
        assertThat(reported).containsOnlyKeys("a", "d");
    }

    @Test
    void anObservationOfEverythingSaysWhatChangedAndWhatStopped() {
        var observed = new ReportDelta.Observed(List.of(running("a", 1), starting("b", 2), running("d", 1)), null);
        var delta = ReportDelta.of(reported, observed, List.of(), false);
        assertThat(delta.changed()).extracting(ObservedInstance::instanceUid).containsExactly("b", "d");
        assertThat(delta.removed()).containsExactly("c");
        delta.applyTo(reported);
        assertThat(reported).containsOnlyKeys("a", "b", "d");
        assertThat(reported.get("b").generation()).isEqualTo(2);
    }

    @Test
    void anObservationOfSomeSaysNothingOfTheOthers() {
        var observed = new ReportDelta.Observed(List.of(starting("b", 2)), Set.of("b", "c", "never-reported"));
        var delta = ReportDelta.of(reported, observed, List.of("purged"), false);
        assertThat(delta.changed()).extracting(ObservedInstance::instanceUid).containsExactly("b");
        assertThat(delta.removed()).as("c was looked at and no longer runs; a is not looked at; purges are named")
                .containsExactly("c", "purged");
        delta.applyTo(reported);
        assertThat(reported).containsOnlyKeys("a", "b");
    }

    @Test
    void nothingToSayWhenWhatWasLookedAtIsAsReported() {
        var delta = ReportDelta.of(reported, new ReportDelta.Observed(List.of(running("a", 1)), Set.of("a")), List.of(), false);
        assertThat(delta.isEmpty()).isTrue();
    }
}
