package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTypesTest {
    @Test
    void typesPrefixesAndEverything() {
        assertThat(EventTypes.matches(List.of("*"), "tenant.labeled")).isTrue();
        assertThat(EventTypes.matches(List.of("alert.*"), "alert.firing")).isTrue();
        assertThat(EventTypes.matches(List.of("alert.*"), "alerting.x")).isFalse();
        assertThat(EventTypes.matches(List.of("instance.running"), "instance.running-late")).isFalse();
    }

    @Test
    void asLikePatternsAPrefixEndsInPercentAndAnUnderscoreIsNoWildcard() {
        assertThat(EventTypes.likePatterns(List.of("instance.running", "alert.*", "x.a_b"))).containsExactly("instance.running", "alert.%", "x.a\\_b");
        assertThat(EventTypes.likePatterns(List.of("instance.running", "*"))).as("every type: no filter").isNull();
    }

    @Test
    void aQueryNamesTypesRepeatedOrCommaSeparated() {
        assertThat(EventTypes.fromQuery(List.of("instance.running, alert.*", "tenant.labeled", ""))).containsExactly("instance.running", "alert.*",
                "tenant.labeled");
        assertThat(EventTypes.fromQuery(List.of())).isEmpty();
    }

    @Test
    void aBadTypeOrTooManyAreRefusedByName() {
        assertThatThrownBy(() -> EventTypes.requireValid("type", List.of("instance.running", "Instance Running")))
                .isInstanceOf(dev.tenantry.api.validation.ValidationException.class).hasMessageContaining("type[1]");
        assertThatThrownBy(() -> EventTypes.requireValid("type", List.of("instance.%"))).isInstanceOf(dev.tenantry.api.validation.ValidationException.class);
        assertThatThrownBy(() -> EventTypes.requireValid("type", Collections.nCopies(EventTypes.MAX + 1, "a.b")))
                .isInstanceOf(dev.tenantry.api.validation.ValidationException.class).hasMessageContaining("at most " + EventTypes.MAX);
        EventTypes.requireValid("type", List.of("*", "alert.*", "instance.running"));
    }
}
