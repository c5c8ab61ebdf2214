package dev.tenantry.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.api.model.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
    @Test
    void signaturesMatchTheSpecificationsPublishedTestVector() {
        assertThat(StandardWebhooks.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void newSecretsAreRandomKeysInTheWhsecFormat() {
        String a = StandardWebhooks.newSecret();
        assertThat(a).startsWith("whsec_").isNotEqualTo(StandardWebhooks.newSecret());
        assertThat(java.util.Base64.getDecoder().decode(a.substring(6))).hasSize(32);
        assertThatThrownBy(() -> StandardWebhooks.sign("plain", "id", 1, "{}")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Event event(String type, Map<String, Object> data) {
        return new Event("1.0", "42", "tenantry", type, "tenants/acme/web", "acme", Instant.parse("2026-12-02T10:00:00Z"), Json.MAPPER.valueToTree(data));
    }

    @Test
    void aCloudEventCarriesTheRequiredAttributesAndTheTenantExtension() throws Exception {
        JsonNode body = Json.MAPPER.readTree(Payloads.cloudEvent(event("instance.running", Map.of("instance", "acme/web"))));
        assertThat(body.path("specversion").asText()).isEqualTo("1.0");
        assertThat(body.path("id").asText()).isEqualTo("42");
        assertThat(body.path("source").asText()).isEqualTo("tenantry");
        assertThat(body.path("type").asText()).isEqualTo("instance.running");
        assertThat(body.path("time").asText()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(body.path("tenant").asText()).isEqualTo("acme");
        assertThat(body.path("data").path("instance").asText()).isEqualTo("acme/web");
    }

    @Test
    void slackSummariesCoverDeploysRolloutsAndAlertsAndNothingElse() throws Exception {
        assertThat(text(event("alert.firing", Map.of("rule", "error-rate", "message", "50 % of 40 requests")))).contains("error-rate firing: 50 %");
        assertThat(text(event("alert.resolved", Map.of("rule", "error-rate", "message", "x")))).contains("resolved");
        assertThat(text(event("rollout.created", Map.of("rollout", "ro_1", "service", "hello", "release", "2.0.0", "instances", 5, "waves", 3,
                "actor", "admin")))).contains("Rollout ro_1 started: hello 2.0.0 to 5 instance(s) in 3 wave(s)");
        assertThat(text(event("rollout.rolled_back", Map.of("rollout", "ro_1", "message", "health gate")))).contains("Rollout ro_1 rolled back: health gate");
        assertThat(text(event("operation.updated", Map.of("type", "instance.upgrade", "state", "FAILED", "instance", "acme/web"))))
                .contains("instance.upgrade of acme/web failed");
        assertThat(Payloads.slack(event("operation.updated", Map.of("type", "instance.upgrade", "state", "RUNNING", "instance", "acme/web")))).isNull();
        assertThat(Payloads.slack(event("tenant.labeled", Map.of()))).isNull();
    }

    @Test
    void typesMatchExactlyByPrefixOrAll() {
        assertThat(dev.tenantry.server.domain.EventTypes.matches(List.of("*"), "tenant.labeled")).isTrue();
        assertThat(dev.tenantry.server.domain.EventTypes.matches(List.of("alert.*"), "alert.firing")).isTrue();
        assertThat(dev.tenantry.server.domain.EventTypes.matches(List.of("alert.*"), "alerting.x")).isFalse();
        assertThat(dev.tenantry.server.domain.EventTypes.matches(List.of("instance.running"), "instance.running")).isTrue();
        assertThat(dev.tenantry.server.domain.EventTypes.matches(List.of("instance.running"), "instance.running-late")).isFalse();
    }

    private static String text(Event e) throws Exception {
        return Json.MAPPER.readTree(Payloads.slack(e)).path("text").asText();
    }
}
