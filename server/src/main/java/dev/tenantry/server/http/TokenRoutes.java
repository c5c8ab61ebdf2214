package dev.tenantry.server.http;

import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.server.domain.TokenService;
import java.util.Map;

/** API tokens: the secret is in the create response only. */
final class TokenRoutes {
    private final TokenService tokens;

    TokenRoutes(TokenService tokens) {
        this.tokens = tokens;
    }

    void register(Routes r) {
        r.get("/v1/tokens", Access.MEMBER_ADMIN, ctx -> Http.page(ctx, tokens.list(Http.principal(ctx)), dev.tenantry.api.model.Token::id));
        r.post("/v1/tokens", Access.MEMBER_ADMIN, ctx -> Http.json(ctx, 201, tokens.create(Http.principal(ctx), Bodies.read(ctx, TokenCreate.class))));
        r.delete("/v1/tokens/{id}", Access.MEMBER_ADMIN, ctx -> {
            tokens.revoke(Http.principal(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
    }
}
