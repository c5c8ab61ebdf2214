package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.server.domain.ApiLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One token's calls are limited (a token bucket per token, reads and changes apart); the answer says when to retry. */
class RateLimitIT {

    @Test
    void aTokenPastItsBurstGets429WithRetryAfterAndNothingIsCreatedWhileOthersGoOn() throws Exception {
        try (TestPlane plane = TestPlane.start(null, new ApiLimits(1000, 2))) {
            int created = 0;
            TestPlane.Reply refused = null;
            for (int i = 0; i < 30 && refused == null; i++) {
                TestPlane.Reply reply = plane.post("/v1/tenants", Map.of("id", "t" + i));
                if (reply.status() == 201) created++;
                else refused = reply;
            }
            assertThat(refused).as("a refusal within 30 quick creates").isNotNull();
            assertThat(created).as("the burst: 5 s' worth at 2 per second, give or take the refill").isBetween(10, 12);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.raw().headers().firstValue("Retry-After")).contains("1");
            assertThat(plane.get("/v1/tenants/t" + created).status()).as("the refused create left nothing").isEqualTo(404);
            assertThat(plane.get("/v1/tenants").status()).as("reads have a bucket of their own").isEqualTo(200);

            String other = plane.post("/v1/tokens", Map.of("name", "other", "role", "admin")).json().path("secret").asText();
            if (other.isEmpty()) {
                Thread.sleep(1000); // the admin's bucket is empty: the token's create itself waited for a refill
                other = plane.post("/v1/tokens", Map.of("name", "other", "role", "admin")).json().path("secret").asText();
            }
            assertThat(plane.call("POST", "/v1/tenants", Map.of("id", "by-other"), other).status()).as("another token has its own bucket").isEqualTo(201);
        }
    }
}
