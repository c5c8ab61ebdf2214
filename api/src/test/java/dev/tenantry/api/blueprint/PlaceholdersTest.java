package dev.tenantry.api.blueprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    @Test
    void rendersKnownKeysAndLeavesOthersForTheAgent() {
        Map<String, String> values = Map.of("tenant.id", "acme", "params.x", "$1\\n");
        String out = Placeholders.render("--tenant={{tenant.id}} --port={{ ports.http }} --x={{params.x}}", values::get);
        assertThat(out).isEqualTo("--tenant=acme --port={{ ports.http }} --x=$1\\n");
    }

    @Test
    void listsTheKeysOfATemplate() {
        assertThat(Placeholders.keysIn("{{a.b}}-{{c}}{{a.b}}")).containsExactly("a.b", "c");
    }
}
