package dev.tenantry.server.domain;

import dev.tenantry.server.store.IdempotencyRepository.Answer;
import dev.tenantry.server.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Idempotency-Key of POST requests (draft-ietf-httpapi-idempotency-key-header): the first request with a key claims it,
 * its answer is kept, and a retry by the same token with the same key and request gets that answer again. Instance
 * creation keeps its key in its own transaction (exactly once even across a crash); other requests keep the answer
 * right after it is given, and while their handler runs every transaction that writes notes the claim as carried out
 * in its own commit ({@link #bind}). A server that dies before the answer was kept thus leaves a claim that a retry,
 * after {@link #ABANDONED_AFTER}, finds carried out (and is told so: nothing is done twice), or, if none of its work
 * committed, takes over. Kept answers are sealed under the key-encryption key: some carry a secret shown once (a
 * token, a webhook's signing secret).
 */
public final class IdempotentRequests {
    /** How long a claim without an answer is taken for a request still being served. */
    public static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);
    public static final int MAX_KEY_LENGTH = 200;

    /** What to do with a request that carries a key. */
    public sealed interface Start {}

    /** The key is this request's: serve it, then {@link #finish} or {@link #abandon}. */
    public record Claimed() implements Start {}

    /** The key was used by the same request, which was answered so: answer it again. */
    public record Replay(int status, Map<String, String> headers, String body) implements Start {}

    /** The same request with this key is still being served. */
    public record InFlight() implements Start {}

    /** The key was used with another request. */
    public record Mismatch() implements Start {}

    /** The same request's work committed at {@code at}, but its server stopped before its answer was kept. */
    public record CarriedOut(java.time.Instant at) implements Start {}

    private final Store store;
    private final dev.tenantry.server.keys.SecretBox box;
    private final Clock clock;

    public IdempotentRequests(Store store, dev.tenantry.server.keys.SecretBox box, Clock clock) {
        this.store = store;
        this.box = box;
        this.clock = clock;
    }

    public Start start(String scope, String key, String requestHash) {
        return store.tx(tx -> {
            if (tx.idempotency().claim(scope, key, requestHash)) return new Claimed();
            Answer answer = tx.idempotency().answer(scope, key).orElse(null);
            if (answer == null) return tx.idempotency().claim(scope, key, requestHash) ? new Claimed() : new InFlight();
            if (!answer.requestHash().equals(requestHash)) return new Mismatch();
            if (answer.status() != 0) {
                String body = answer.body() == null ? null : box.open(java.util.Base64.getDecoder().decode(answer.body()), scope + "/" + key);
                return new Replay(answer.status(), answer.headers(), body);
            }
            java.time.Instant abandonedBefore = clock.instant().minus(ABANDONED_AFTER);
            if (answer.doneAt() != null && answer.claimedAt().isBefore(abandonedBefore)) return new CarriedOut(answer.doneAt());
            return tx.idempotency().reclaim(scope, key, requestHash, abandonedBefore, clock.instant()) ? new Claimed() : new InFlight();
        });
    }

    /** From now until {@link #unbind}, this thread serves the request that claimed the key: its writing transactions note it carried out. */
    public static void bind(String scope, String key) {
        dev.tenantry.server.store.ClaimedRequest.bind(scope, key);
    }

    public static void unbind() {
        dev.tenantry.server.store.ClaimedRequest.unbind();
    }

    public void finish(String scope, String key, int status, Map<String, String> headers, String body) {
        String sealed = body == null ? null : java.util.Base64.getEncoder().encodeToString(box.seal(body, scope + "/" + key));
        store.run(tx -> tx.idempotency().answer(scope, key, status, headers, sealed));
    }

    public void abandon(String scope, String key) {
        store.run(tx -> tx.idempotency().release(scope, key));
    }
}
