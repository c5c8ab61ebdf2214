package dev.tenantry.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "webhooks", mixinStandardHelpOptions = true,
        description = "Webhook subscriptions: events posted to a URL in order, signed per Standard Webhooks (CloudEvents JSON or Slack text).")
public final class WebhooksCommand {
    @Command(mixinStandardHelpOptions = true, name = "create", description = "Subscribe URL to the events from now on; prints the signing secret once.")
    int create(@Mixin ClientOptions o, @Parameters(paramLabel = "URL") String url,
               @Option(names = "--type", paramLabel = "TYPE", description = "An event type, a prefix such as alert.*, or * (repeatable; default: *)")
               List<String> types,
               @Option(names = "--tenant", description = "Only this tenant's events") String tenant,
               @Option(names = "--format", defaultValue = "cloudevents", description = "cloudevents (default) or slack") String format) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        if (types != null) body.put("types", types);
        if (tenant != null) body.put("tenant", tenant);
        body.put("format", format);
        return Output.run(o, c -> c.post("/v1/webhooks", body), r -> {
            System.out.println("webhook " + r.path("id").asText() + " posts " + r.path("types") + " to " + r.path("url").asText());
            System.out.println("signing secret (shown once): " + r.path("secret").asText());
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The subscriptions and how their deliveries go.")
    int list(@Mixin ClientOptions o) {
        return Output.run(o, c -> c.get("/v1/webhooks"), r -> {
            Table t = new Table("ID", "URL", "TYPES", "TENANT", "FORMAT", "DELIVERED", "FAILURES", "LAST ERROR");
            r.path("items").forEach(x -> t.row(x.path("id").asText(), x.path("url").asText(), x.path("types").toString(), Output.text(x, "tenant"),
                    x.path("format").asText(), x.path("delivered").asText(), x.path("failures").asText(), Output.text(x, "lastError")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "deliveries", description = "A subscription's delivery log, newest first.")
    int deliveries(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id,
                   @Option(names = "--limit", defaultValue = "50") int limit) {
        return Output.run(o, c -> c.get("/v1/webhooks/" + ApiClient.enc(id) + "/deliveries?limit=" + limit), r -> {
            Table t = new Table("AT", "EVENT", "TYPE", "TRY", "OUTCOME", "HTTP", "MS", "ERROR");
            r.path("items").forEach(x -> t.row(x.path("at").asText(), Output.text(x, "eventId"), x.path("type").asText(), x.path("attempt").asText(),
                    x.path("outcome").asText(), Output.text(x, "httpStatus"), x.path("durationMillis").asText(), Output.text(x, "error")));
            t.print(System.out);
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "test", description = "Post a webhook.test message now and show how it went.")
    int test(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> c.post("/v1/webhooks/" + ApiClient.enc(id) + "/test", null), r -> System.out.println(r.path("outcome").asText()
                + (r.hasNonNull("httpStatus") ? " (HTTP " + r.path("httpStatus").asText() + ")" : "")
                + (r.hasNonNull("error") ? ": " + r.path("error").asText() : "") + " in " + r.path("durationMillis").asText() + " ms"));
    }

    @Command(mixinStandardHelpOptions = true, name = "delete", description = "Unsubscribe.")
    int delete(@Mixin ClientOptions o, @Parameters(paramLabel = "ID") String id) {
        return Output.run(o, c -> {
            c.delete("/v1/webhooks/" + ApiClient.enc(id));
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("deleted", id);
        }, r -> System.out.println("webhook " + id + " deleted"));
    }
}
