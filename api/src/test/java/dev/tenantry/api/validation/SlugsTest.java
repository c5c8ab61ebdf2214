package dev.tenantry.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlugsTest {
    @ParameterizedTest
    @ValueSource(strings = {"acme", "a", "acme-corp", "a1", "x-1-y"})
    void acceptsDnsSafeSlugs(String slug) {
        assertThat(Slugs.isValid(slug)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Acme", "1acme", "acme-", "-acme", "ac_me", "ac.me", "acme corp",
            "a2345678901234567890123456789012345678901"})
    void rejectsEverythingElse(String slug) {
        assertThat(Slugs.isValid(slug)).isFalse();
    }
}
