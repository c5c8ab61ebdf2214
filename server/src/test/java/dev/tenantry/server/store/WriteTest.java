package dev.tenantry.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WriteTest {
    /** The rule as a regular expression: a colon not after a colon or a word character, then a name. */
    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([A-Za-z_]\\w*)");

    @Test
    void prefixesEveryParameterButNotCastsNorColonsInsideWords() {
        assertThat(Write.prefixParameters("update t set a = :a, b = cast(:b_2 as jsonb)::text where c = :c", "w1_"))
                .isEqualTo("update t set a = :w1_a, b = cast(:w1_b_2 as jsonb)::text where c = :w1_c");
        assertThat(Write.prefixParameters("select x::int, y:z, ':1', a[1:2] from t where u = :u", "w0_"))
                .isEqualTo("select x::int, y:z, ':1', a[1:2] from t where u = :w0_u");
        assertThat(Write.prefixParameters("select 1", "w0_")).isEqualTo("select 1");
        assertThat(Write.prefixParameters(":", "w0_")).isEqualTo(":");
        assertThat(Write.prefixParameters(":a", "w0_")).isEqualTo(":w0_a");
        assertThat(Write.prefixParameters("", "w0_")).isEmpty();
    }

    @Test
    void agreesWithTheRuleAsARegularExpression() {
        for (String sql : List.of("insert into events (id, data) values (:id, cast(:data as jsonb))", "a:b :c ::d :_e 9:f (:g) :h1:i",
                "x = :a::text || :b", ":::a", "where t = :t and :all or x", "e.type like any(cast(:types as text[]))")) {
            String expected = PARAMETER.matcher(sql).replaceAll(m -> Matcher.quoteReplacement(":w3_" + m.group(1)));
            assertThat(Write.prefixParameters(sql, "w3_")).as(sql).isEqualTo(expected);
        }
    }
}
