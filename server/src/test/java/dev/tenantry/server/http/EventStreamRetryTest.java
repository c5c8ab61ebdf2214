package dev.tenantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.Json;
import dev.tenantry.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An event stream whose database is briefly out of reach (every pool connection busy) waits and goes on: no event lost. */
class EventStreamRetryTest {
    private static Event event(String id) {
        return new Event("1.0", id, "tenantry", "instance.running", "tenants/acme/web", "acme", Instant.EPOCH, null);
    }

    private static final class Recording implements EventRoutes.Sink {
        final List<String> seen = new ArrayList<>();
        int reads;
        final int readsUntilGone;

        Recording(int readsUntilGone) {
            this.readsUntilGone = readsUntilGone;
        }

        @Override
        public boolean gone() {
            return reads >= readsUntilGone;
        }

        @Override
        public void events(List<Event> batch) {
            batch.forEach(e -> seen.add("event " + e.id()));
        }

        @Override
        public void comment(String text) {
            seen.add(": " + text);
        }
    }

    @Test
    void aBusyPoolPausesTheStreamWhichThenGoesOnFromWhereItWas() throws Exception {
        Deque<Object> answers = new ArrayDeque<>(List.of(List.of(event("1")),
                new RuntimeException("pool", new java.sql.SQLTransientConnectionException("Connection is not available")),
                new RuntimeException("pool", new java.sql.SQLTransientConnectionException("Connection is not available")),
                List.of(event("2"), event("3"))));
        Recording client = new Recording(4);
        List<Long> pauses = new ArrayList<>();
        EventRoutes.pump(() -> {
            client.reads++;
            Object next = answers.pop();
            if (next instanceof RuntimeException e) throw e;
            @SuppressWarnings("unchecked") List<Event> batch = (List<Event>) next;
            return batch;
        }, client, pauses::add);
        assertThat(client.seen).containsExactly("event 1", ": the database is unavailable; retrying", ": the database is unavailable; retrying",
                "event 2", "event 3");
        assertThat(pauses).containsExactly(250L, 500L);
    }

    @Test
    void eventsAreFramedOneDataLineEach() {
        Event withLineBreak = new Event("1.0", "7", "tenantry", "instance.failed", "tenants/acme/web", "acme", Instant.EPOCH,
                Json.MAPPER.createObjectNode().put("message", "line one\nline two"));
        String frames = new String(EventRoutes.frames(List.of(event("6"), withLineBreak)), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(frames.split("\n\n", -1)).hasSize(3).endsWith("");
        assertThat(frames).startsWith("id: 6\nevent: instance.running\ndata: {").contains("\nid: 7\nevent: instance.failed\ndata: {")
                .contains("line one\\nline two");
        assertThat(frames.lines().filter(l -> !l.isEmpty()).allMatch(l -> l.startsWith("id: ") || l.startsWith("event: ") || l.startsWith("data: "))).isTrue();
    }

    @Test
    void anyOtherFailureEndsTheStream() {
        Recording client = new Recording(10);
        assertThatThrownBy(() -> EventRoutes.pump(() -> {
            throw new IllegalStateException("a bug");
        }, client, millis -> { })).hasMessage("a bug");
    }

    @Test
    void thePauseDoublesUpToFiveSeconds() {
        assertThat(EventRoutes.retryDelay(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(EventRoutes.retryDelay(3)).isEqualTo(Duration.ofMillis(1000));
        assertThat(EventRoutes.retryDelay(50)).isEqualTo(Duration.ofSeconds(5));
    }
}
