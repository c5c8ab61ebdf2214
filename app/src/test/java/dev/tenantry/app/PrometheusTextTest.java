package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reader the metrics tests rely on refuses what it must. */
class PrometheusTextTest {
    private static final String GOOD = """
            # HELP x_total Things.
            # TYPE x counter
            x_total{a="1",b="q\\"uote"} 3.0
            # TYPE h histogram
            h_bucket{le="0.1"} 1
            h_bucket{le="+Inf"} 2
            h_count 2
            h_sum 0.3
            """;

    @Test
    void readsWellFormedText() {
        PrometheusText text = PrometheusText.parse(GOOD);
        assertThat(text.value("x_total", Map.of("b", "q\"uote"))).isEqualTo(3.0);
        assertThat(text.types).containsEntry("h", "histogram");
    }

    @Test
    void refusesWhatTheFormatForbids() {
        assertThatThrownBy(() -> PrometheusText.parse("x{a=1} 1\n")).hasMessageContaining("not in quotes");
        assertThatThrownBy(() -> PrometheusText.parse("1x 1\n")).hasMessageContaining("metric name");
        assertThatThrownBy(() -> PrometheusText.parse("x 1\nx 2\n")).hasMessageContaining("repeated series");
        assertThatThrownBy(() -> PrometheusText.parse("x 1\ny 1\nx{a=\"b\"} 1\n")).hasMessageContaining("not together");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx 1\n")).hasMessageContaining("without _total");
        assertThatThrownBy(() -> PrometheusText.parse("x one\n")).hasMessageContaining("malformed value");
        assertThatThrownBy(() -> PrometheusText.parse(GOOD.replace("h_count 2", "h_count 3"))).hasMessageContaining("_count");
        assertThatThrownBy(() -> PrometheusText.parse(GOOD.replace("h_bucket{le=\"+Inf\"} 2", "h_bucket{le=\"+Inf\"} 0"))).hasMessageContaining("cumulative");
        assertThatThrownBy(() -> PrometheusText.parse("x 1")).hasMessageContaining("line feed");
    }
}
