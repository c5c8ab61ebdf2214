package dev.tenantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.cell.AgentJoin;
import dev.tenantry.server.domain.AgentIdentityService;
import io.javalin.http.Context;

/** Join tokens (provider admin), an agent's join and certificate renewal, and cutting a cell's agents off. */
final class AgentIdentityRoutes {
    private final AgentIdentityService agents;

    AgentIdentityRoutes(AgentIdentityService agents) {
        this.agents = agents;
    }

    void register(Routes r) {
        r.post("/v1/cells/{cell}/join-tokens", Access.PROVIDER_ADMIN,
                ctx -> Http.json(ctx, 201, agents.createJoinToken(Http.principal(ctx), ctx.pathParam("cell"), ttlMinutes(ctx))));
        // authenticated by the join token in the body, which is good for one use
        r.post("/v1/cells/{cell}/join", Access.PUBLIC,
                ctx -> Http.json(ctx, 201, agents.join(ctx.pathParam("cell"), Bodies.readSecret(ctx, AgentJoin.class))));
        r.post("/v1/cells/{cell}/agent-certificate", Access.CELL_AGENT, ctx -> {
            JsonNode body = Bodies.read(ctx, JsonNode.class);
            Http.json(ctx, 201, agents.renew(Http.principal(ctx), ctx.pathParam("cell"), body.path("csr").asText(null)));
        });
        r.post("/v1/cells/{cell}/revoke", Access.PROVIDER_ADMIN, ctx -> {
            agents.revoke(Http.principal(ctx), ctx.pathParam("cell"));
            ctx.status(204);
        });
    }

    private static Integer ttlMinutes(Context ctx) {
        if (ctx.bodyAsBytes().length == 0) return null;
        JsonNode body = Bodies.read(ctx, JsonNode.class);
        if (!body.has("ttlMinutes")) return null;
        if (!body.get("ttlMinutes").canConvertToInt()) throw ProblemException.badRequest("ttlMinutes", "must be a whole number of minutes");
        return body.get("ttlMinutes").asInt();
    }
}
