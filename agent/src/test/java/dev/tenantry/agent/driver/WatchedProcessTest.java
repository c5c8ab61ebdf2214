package dev.tenantry.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a replica's stop signals when it has a control group: its own process first, then the group's others, once each. */
class WatchedProcessTest {
    private static final ProcessHandle SELF = ProcessHandle.current();

    @Test
    void theRootComesFirstAndOnceWhetherOrNotTheGroupListsIt() {
        ProcessHandle other = ProcessHandle.of(1).orElseThrow();
        assertThat(WatchedProcess.rootFirst(SELF, List.of(other, SELF))).containsExactly(SELF, other);
        assertThat(WatchedProcess.rootFirst(SELF, List.of(other))).containsExactly(SELF, other);
        assertThat(WatchedProcess.rootFirst(SELF, List.of())).containsExactly(SELF);
    }
}
