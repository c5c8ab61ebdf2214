package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Hashes;
import dev.tenantry.api.Json;
import dev.tenantry.server.domain.IdempotentRequests;
import dev.tenantry.server.domain.Principal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A POST with an Idempotency-Key whose server died after its work committed but before it kept the answer: the retry
 * through the API is told so (409 naming the header) and the work is not done again; one whose work never committed is
 * served anew. The crash is simulated in the real server: the claim is made and the work done as the HTTP layer does
 * it (the claim bound to the thread), and no answer is kept; the server's clock is moved past the abandon time.
 */
class IdempotencyAcrossCrashIT {
    @Test
    void aRetryOfWorkThatCommittedIsToldSoAndDoesNothingTwice() throws Exception {
        MovableClock clock = new MovableClock();
        try (TestPlane plane = TestPlane.start(clock)) {
            var services = plane.dev.server().services();
            Principal admin = services.tokens().authenticate(plane.admin).orElseThrow();
            String scope = "request/" + admin.tokenId();
            Map<String, Object> acme = Map.of("id", "acme", "name", "Acme Corp");
            String acmeBody = Json.write(acme);
            assertThat(services.idempotentRequests().start(scope, "create-acme", Hashes.sha256("POST /v1/tenants\n" + acmeBody)))
                    .isInstanceOf(IdempotentRequests.Claimed.class);
            IdempotentRequests.bind(scope, "create-acme");
            try {
                services.tenants().create(admin, Json.MAPPER.readValue(acmeBody, dev.tenantry.api.model.TenantCreate.class));
            } finally {
                IdempotentRequests.unbind();
            }
            Map<String, Object> globex = Map.of("id", "globex");
            String globexBody = Json.write(globex);
            assertThat(services.idempotentRequests().start(scope, "create-globex", Hashes.sha256("POST /v1/tenants\n" + globexBody)))
                    .isInstanceOf(IdempotentRequests.Claimed.class);
            // the server died before any of globex's work committed
            // (the same map objects are sent below: their JSON, and so the request's hash, is the same)

            TestPlane.Reply early = plane.callWithHeaders("POST", "/v1/tenants", acme, Map.of("Idempotency-Key", "create-acme"));
            assertThat(early.status()).as("within 60 s its first server may still answer: " + early.body()).isEqualTo(409);
            assertThat(early.body()).contains("still being served");
            clock.moveForward(Duration.ofSeconds(61));

            TestPlane.Reply retry = plane.callWithHeaders("POST", "/v1/tenants", acme, Map.of("Idempotency-Key", "create-acme"));
            assertThat(retry.status()).as(retry.body()).isEqualTo(409);
            assertThat(retry.json().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
            assertThat(retry.body()).contains("carried out at").contains("stopped before it kept the answer");
            assertThat(plane.get("/v1/tenants/acme").status()).as("done once").isEqualTo(200);

            TestPlane.Reply anew = plane.callWithHeaders("POST", "/v1/tenants", globex, Map.of("Idempotency-Key", "create-globex"));
            assertThat(anew.status()).as("nothing of it committed: served anew, " + anew.body()).isEqualTo(201);
            TestPlane.Reply replay = plane.callWithHeaders("POST", "/v1/tenants", globex, Map.of("Idempotency-Key", "create-globex"));
            assertThat(replay.status()).isEqualTo(201);
            assertThat(replay.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        }
    }
}
