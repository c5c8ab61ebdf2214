package dev.tenantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentNegotiationTest {

    @Test
    void aRangeTakesTheTypesItCoversUnlessItsQualityIsZero() {
        assertThat(ContentNegotiation.acceptable("*/*", "application/json")).isTrue();
        assertThat(ContentNegotiation.acceptable("application/*", "application/json")).isTrue();
        assertThat(ContentNegotiation.acceptable("text/html, application/json;q=0.9", "application/json")).isTrue();
        assertThat(ContentNegotiation.acceptable("APPLICATION/JSON", "application/json")).isTrue();
        assertThat(ContentNegotiation.acceptable("text/csv", "application/json")).isFalse();
        assertThat(ContentNegotiation.acceptable("application/json;q=0", "application/json")).isFalse();
        assertThat(ContentNegotiation.acceptable("application/json; q=0.000", "application/json")).isFalse();
        assertThat(ContentNegotiation.acceptable("text/*", "text/csv")).isTrue();
    }

    @Test
    void aJsonDialectTakesJsonButJsonDoesNotTakeOtherTypes() {
        assertThat(ContentNegotiation.acceptable("application/problem+json", "application/json")).isTrue();
        assertThat(ContentNegotiation.acceptable("application/problem+json", "text/csv")).isFalse();
        assertThat(ContentNegotiation.acceptable("application/json", "text/event-stream")).isFalse();
    }
}
