package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Marked changes are taken at once; noted ones once they are old enough, or with a change of the same instance marked. */
class ChangedInstancesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ChangedInstances changes = new ChangedInstances(now::get);

    private void pass(long millis) {
        now.addAndGet(millis * 1_000_000);
    }

    @Test
    void theFirstTakeIsEverythingThenOnlyWhatWasMarked() {
        changes.note("a");
        assertThat(changes.take().all()).isTrue();
        assertThat(changes.any()).as("the take of everything covered the note").isFalse();
        changes.mark("b");
        assertThat(changes.any()).isTrue();
        assertThat(changes.take()).isEqualTo(new ChangedInstances.Taken(false, java.util.Set.of("b")));
        assertThat(changes.any()).isFalse();
    }

    @Test
    void aNotedChangeIsTakenOnlyOnceItIsOldEnough() {
        changes.take();
        changes.note("launched");
        pass(ChangedInstances.NOTE_DELAY.toMillis() - 1);
        assertThat(changes.any()).as("too young").isFalse();
        changes.mark("healthy");
        assertThat(changes.take().uids()).as("a report for another instance leaves it").containsExactly("healthy");
        changes.note("launched"); // noted again: still as old as the first note
        pass(1);
        assertThat(changes.any()).isTrue();
        assertThat(changes.take().uids()).containsExactly("launched");
        assertThat(changes.any()).isFalse();
    }

    @Test
    void aChangeMarkedForANotedInstanceTakesItAtOnceAndClearsItsNote() {
        changes.take();
        changes.note("x");
        changes.mark("x");
        assertThat(changes.take().uids()).containsExactly("x");
        pass(ChangedInstances.NOTE_DELAY.toMillis() * 2);
        assertThat(changes.any()).as("its note went with it").isFalse();
    }
}
