package dev.tenantry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.cell.CellDesiredState;
import org.junit.jupiter.api.Test;

/** An agent reads the desired state of a newer server: fields it does not know are skipped, not fatal. */
class JsonTolerantTest {
    private static final String NEWER = """
            {"cell": "edge", "revision": 7, "full": true, "deployments": [], "removed": [], "purged": [], "addedLater": {"x": 1}}""";

    @Test
    void readTolerantSkipsUnknownFieldsWhereReadRefusesThem() {
        CellDesiredState state = Json.readTolerant(NEWER, CellDesiredState.class);
        assertThat(state.cell()).isEqualTo("edge");
        assertThat(state.revision()).isEqualTo(7);
        assertThatThrownBy(() -> Json.read(NEWER, CellDesiredState.class)).hasMessageContaining("addedLater");
    }
}
