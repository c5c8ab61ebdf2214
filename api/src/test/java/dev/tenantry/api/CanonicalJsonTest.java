package dev.tenantry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.blueprint.Blueprint;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    private static final String BLUEPRINT = """
            components:
              - name: web
                command: ["/bin/app"]
                env: {%s}
                ports: [{name: http}]
            parameters: [{name: greeting, type: string, default: Hi%s}]
            """;

    @Test
    void aBlueprintIsCanonicalWhateverItsEnvOrderAndAnUnsetRequired() throws Exception {
        Blueprint ab = Json.YAML.readValue(BLUEPRINT.formatted("A: '1', B: '2'", ""), Blueprint.class);
        Blueprint ba = Json.YAML.readValue(BLUEPRINT.formatted("B: '2', A: '1'", ", required: false"), Blueprint.class);
        Blueprint stored = Json.read(Json.write(ab), Blueprint.class);
        assertThat(Json.canonical(ab)).isEqualTo(Json.canonical(ba)).isEqualTo(Json.canonical(stored));
        assertThat(Json.canonical(ab).indexOf("\"A\"")).isLessThan(Json.canonical(ab).indexOf("\"B\""));
        Blueprint other = Json.YAML.readValue(BLUEPRINT.formatted("A: '1', B: '3'", ""), Blueprint.class);
        assertThat(Json.canonical(other)).isNotEqualTo(Json.canonical(ab));
    }

    @Test
    void sortedCopiesIterateByKeyAndRefuseNulls() {
        Map<String, String> zyx = new LinkedHashMap<>();
        zyx.put("z", "1");
        zyx.put("a", "2");
        assertThat(SortedMaps.copyOf(zyx).keySet()).containsExactly("a", "z");
        zyx.put("m", null);
        assertThatThrownBy(() -> SortedMaps.copyOf(zyx)).isInstanceOf(NullPointerException.class);
    }
}
