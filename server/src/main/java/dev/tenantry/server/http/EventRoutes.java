package dev.tenantry.server.http;

import dev.tenantry.api.Json;
import dev.tenantry.api.model.Event;
import dev.tenantry.server.domain.EventService;
import dev.tenantry.server.domain.Principal;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /v1/events}: a server-sent-events stream of events, filterable by {@code tenant} and
 * {@code instance}; resumes after {@code Last-Event-ID} (or {@code ?after=}), else starts with new events.
 */
final class EventRoutes {
    private static final Duration POLL = Duration.ofSeconds(15);
    private static final String SINCE_ID = "tenantry.events.sinceId";
    private final EventService events;

    EventRoutes(EventService events) {
        this.events = events;
    }

    void register(Routes routes) {
        SseHandler sse = new SseHandler(this::stream);
        routes.get("/v1/events", Access.MEMBER_VIEWER, ctx -> {
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                throw new ProblemException(406, "not-acceptable", "this is a server-sent-events stream: send 'Accept: text/event-stream'", null);
            }
            java.time.Instant since = Http.since(ctx.queryParam("since"));
            if (since != null) ctx.attribute(SINCE_ID, events.lastIdBefore(since));
            sse.handle(ctx);
        });
    }

    private void stream(SseClient client) {
        var ctx = client.ctx();
        Principal who = Http.principal(ctx);
        String tenant = ctx.queryParam("tenant");
        String instance = ctx.queryParam("instance");
        if (instance != null && tenant == null) {
            client.sendEvent("error", "{\"detail\":\"instance filter needs tenant\"}");
            return;
        }
        String subject = instance == null ? null : "tenants/" + tenant + "/" + instance;
        String lastEventId = ctx.header("Last-Event-ID");
        Long sinceId = ctx.attribute(SINCE_ID);
        long after = lastEventId != null && lastEventId.matches("[0-9]{1,18}") ? Long.parseLong(lastEventId)
                : sinceId != null ? sinceId : Http.longParam(ctx, "after", events.lastId());
        EventService.Feed feed = events.follow(who, after, tenant, subject);
        client.sendComment("connected");
        try {
            while (!client.terminated()) {
                List<Event> batch = feed.next(POLL);
                for (Event e : batch) client.sendEvent(e.type(), Json.write(e), e.id());
                if (batch.isEmpty()) client.sendComment("keep-alive");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
