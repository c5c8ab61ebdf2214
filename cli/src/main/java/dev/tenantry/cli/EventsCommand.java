package dev.tenantry.cli;

import dev.tenantry.api.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "events", description = "Stream events live (Ctrl-C to stop).", mixinStandardHelpOptions = true)
public final class EventsCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin ClientOptions o;

    @Option(names = "--tenant")
    String tenant;

    @Option(names = "--instance", description = "Only this instance's events (needs --tenant)")
    String instance;

    @Option(names = "--after", description = "Replay events after this id")
    Long after;

    @Option(names = "--type", split = ",", description = "Only events of these types: instance.running, a prefix such as operation.*, or *"
            + " (repeat or separate with commas)")
    java.util.List<String> types;

    @Option(names = "--since", description = "First the events of the last 10m, 2h, 1d… (or since a time: 2026-12-02T10:00:00Z), then live")
    String since;

    @Override
    public Integer call() throws Exception {
        StringBuilder q = new StringBuilder("?");
        if (tenant != null) q.append("tenant=").append(ApiClient.enc(tenant)).append('&');
        if (instance != null) q.append("instance=").append(ApiClient.enc(instance)).append('&');
        if (after != null) q.append("after=").append(after).append('&');
        if (types != null) types.forEach(t -> q.append("type=").append(ApiClient.enc(t)).append('&'));
        if (since != null) q.append("since=").append(ApiClient.enc(since));
        try {
            o.client().events(q.toString(), e -> {
                if (o.json()) System.out.println(Json.write(e));
                else System.out.printf("%s  %-22s %-32s %s%n", e.path("time").asText(), e.path("type").asText(), e.path("subject").asText(),
                        Json.write(e.path("data")));
                System.out.flush();
            });
        } catch (ApiClient.ApiException e) {
            Output.printProblem(e);
            return 1;
        }
        return 0;
    }
}
