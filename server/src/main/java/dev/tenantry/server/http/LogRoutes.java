package dev.tenantry.server.http;

import dev.tenantry.server.domain.LogRelay;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Replicas' logs: a tenant's viewers read them (the last lines, or followed as they are written), relayed from the
 * agent of the instance's cell, which takes the requests with a long poll and posts the log in chunks.
 */
final class LogRoutes {
    /** How long a client waits for the agent to answer at all. */
    private static final Duration AGENT_ANSWER = Duration.ofSeconds(15);
    private static final int MAX_CHUNK = 1024 * 1024;

    private final LogRelay relay;

    LogRoutes(LogRelay relay) {
        this.relay = relay;
    }

    void register(Routes r) {
        r.get("/v1/tenants/{tenant}/instances/{name}/logs", Access.TENANT_VIEWER, ctx -> {
            Integer tail = ctx.queryParam("tail") == null ? null : (int) Math.max(-1, Math.min(Http.longParam(ctx, "tail", 0), Integer.MAX_VALUE));
            boolean follow = "true".equals(ctx.queryParam("follow"));
            LogRelay.Session session = relay.open(Http.principal(ctx), ctx.pathParam("tenant"), ctx.pathParam("name"), ctx.queryParam("replica"),
                    tail, follow, Http.since(ctx.queryParam("since")));
            try {
                LogRelay.Chunk first = session.next(AGENT_ANSWER);
                if (first == null) {
                    throw new ProblemException(504, "agent-did-not-answer", "the agent of cell '" + session.cell() + "' did not send the log within "
                            + AGENT_ANSWER.toSeconds() + " s (is it running?)", null);
                }
                // straight to the servlet response, flushed chunk by chunk (Javalin's own output stream buffers)
                var response = ctx.res();
                response.setStatus(200);
                response.setContentType("text/plain; charset=utf-8");
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Cache-Control", "no-store");
                stream(response.getOutputStream(), response, session, first);
            } finally {
                relay.close(session);
            }
        });
        r.get("/v1/cells/{cell}/log-requests", Access.CELL_AGENT, ctx -> {
            long wait = Math.max(0, Math.min(Http.longParam(ctx, "wait", 0), 60));
            Http.json(ctx, 200, Map.of("items", relay.awaitRequests(ctx.pathParam("cell"), Duration.ofSeconds(wait))));
        });
        r.post("/v1/cells/{cell}/log-requests/{id}", Access.CELL_AGENT, ctx -> {
            byte[] body = ctx.bodyAsBytes();
            if (body.length > MAX_CHUNK) throw ProblemException.badRequest("body", "a chunk of log must be at most " + MAX_CHUNK + " bytes");
            boolean wanted = relay.deliver(ctx.pathParam("cell"), ctx.pathParam("id"), body, "true".equals(ctx.queryParam("end")));
            if (!wanted) throw new ProblemException(410, "gone", "nobody reads log request '" + ctx.pathParam("id") + "' any more", null);
            ctx.status(204);
        });
    }

    /**
     * Writes the chunks as they come, until the last one, the client going away, the follow time running out, or the
     * agent going quiet (it stopped: a followed log it still serves gets a chunk, empty if need be, every heartbeat).
     */
    private static void stream(OutputStream out, jakarta.servlet.http.HttpServletResponse response, LogRelay.Session session, LogRelay.Chunk first)
            throws IOException, InterruptedException {
        Instant until = Instant.now().plus(LogRelay.FOLLOW_AT_MOST);
        LogRelay.Chunk chunk = first;
        while (true) {
            if (chunk != null && chunk.bytes().length > 0) {
                out.write(chunk.bytes());
                out.flush();
                response.flushBuffer();
            }
            if (chunk != null && chunk.end()) return;
            if (Instant.now().isAfter(until) || session.agentWentQuiet()) return;
            chunk = session.next(Duration.ofSeconds(5));
        }
    }
}
