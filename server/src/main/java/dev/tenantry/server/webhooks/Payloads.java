package dev.tenantry.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.api.Json;
import dev.tenantry.api.model.Event;
import java.util.Map;
import java.util.Set;

/**
 * What a subscription receives for an event: a CloudEvents 1.0 JSON body (structured mode), or for the {@code slack}
 * format a {@code {"text": …}} summary of the events people watch (deploys, rollouts, alerts); other events have none.
 */
public final class Payloads {
    public static final String CLOUDEVENTS_TYPE = "application/cloudevents+json";
    private static final Set<String> DEPLOYS = Set.of("instance.create", "instance.update", "instance.upgrade", "instance.rollback", "instance.replace",
            "instance.restore");
    private static final Set<String> ROLLOUT_ENDS = Set.of("rollout.succeeded", "rollout.halted", "rollout.aborted", "rollout.rolled_back");

    private Payloads() {}

    public static String cloudEvent(Event e) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("specversion", "1.0");
        body.put("id", e.id());
        body.put("source", e.source());
        body.put("type", e.type());
        body.put("subject", e.subject());
        body.put("time", e.time().toString());
        body.put("datacontenttype", "application/json");
        if (e.tenant() != null) body.put("tenant", e.tenant());
        body.set("data", e.data());
        return Json.write(body);
    }

    /** The Slack-compatible summary of the event; null when it is not one people are told about. */
    public static String slack(Event e) {
        String text = summary(e.type(), e.data());
        return text == null ? null : Json.write(Map.of("text", text));
    }

    static String summary(String type, JsonNode d) {
        if (type.equals("alert.firing")) return ":rotating_light: Alert " + d.path("rule").asText() + " firing: " + d.path("message").asText();
        if (type.equals("alert.resolved")) return ":white_check_mark: Alert " + d.path("rule").asText() + " resolved: " + d.path("message").asText();
        if (type.equals("rollout.created")) {
            return ":rocket: Rollout " + d.path("rollout").asText() + " started: " + d.path("service").asText() + " " + d.path("release").asText()
                    + " to " + d.path("instances").asInt() + " instance(s) in " + d.path("waves").asInt() + " wave(s), by " + d.path("actor").asText();
        }
        if (ROLLOUT_ENDS.contains(type)) {
            String end = type.substring("rollout.".length()).replace('_', ' ');
            String message = d.path("message").asText();
            return (type.equals("rollout.succeeded") ? ":white_check_mark:" : ":warning:") + " Rollout " + d.path("rollout").asText() + " " + end
                    + (message.isEmpty() ? "" : ": " + message);
        }
        if (type.equals("instance.created")) {
            return ":hammer_and_wrench: Deploying " + d.path("instance").asText() + " (release " + d.path("release").asText() + ")";
        }
        if (type.equals("operation.updated") && DEPLOYS.contains(d.path("type").asText())) {
            String state = d.path("state").asText();
            if (state.equals("SUCCEEDED")) return ":white_check_mark: " + d.path("type").asText() + " of " + d.path("instance").asText() + " succeeded";
            if (state.equals("FAILED")) return ":x: " + d.path("type").asText() + " of " + d.path("instance").asText() + " failed";
        }
        return null;
    }
}
