package dev.tenantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.api.model.Problem;
import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import dev.tenantry.server.domain.ConflictException;
import dev.tenantry.server.domain.ForbiddenException;
import dev.tenantry.server.domain.NotFoundException;
import dev.tenantry.server.domain.PreconditionFailedException;
import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.domain.Services;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST API: Javalin routes, bearer-token authentication, role checks, audit and problem+json errors. */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String PROBLEM_BASE = "https://tenantry.dev/problems/";

    private final Services services;
    private final Javalin app;
    private final JsonNode openApi;
    private final Map<String, Access> declared = new TreeMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();

    public ApiServer(Services services) {
        this.services = services;
        this.openApi = loadOpenApi();
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = Bodies.MAX_BYTES;
            config.startup.showJavalinBanner = false;
            config.routes.beforeMatched(this::authenticate);
            config.routes.afterMatched(this::audit);
            Routes routes = new Routes(config.routes);
            routes.get("/readyz", Access.PUBLIC, this::readiness);
            routes.get("/v1/openapi.json", Access.PUBLIC, ctx -> ctx.contentType("application/json").result(Json.write(openApi)));
            new CatalogRoutes(services.catalog()).register(routes);
            new TenantRoutes(services.tenants()).register(routes);
            new InstanceRoutes(services.instances()).register(routes);
            new CellRoutes(services.cells()).register(routes);
            new TokenRoutes(services.tokens()).register(routes);
            new AuditRoutes(services.audit()).register(routes);
            new RolloutRoutes(services.rollouts()).register(routes);
            new EventRoutes(services.events()).register(routes);
            registerErrorMapping(config.routes);
            declared.putAll(routes.declared());
        });
        checkEveryRouteDeclaresAccess();
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Every registered route as "METHOD path", for the OpenAPI consistency test. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).sorted().toList();
    }

    /** From now on {@code /readyz} answers 200 while the database answers. */
    public void markReady() {
        ready.set(true);
    }

    /** 200 only when the API can serve: its process finished starting and its database answers within a second. */
    private void readiness(Context ctx) {
        if (!ready.get()) {
            ctx.header("Retry-After", "1");
            problem(ctx, 503, "starting", "Tenantry is still starting", List.of());
        } else if (!services.health().databaseAnswers()) {
            ctx.header("Retry-After", "1");
            problem(ctx, 503, "database-unavailable", "the database does not answer", List.of());
        } else {
            Http.json(ctx, 200, Map.of("status", "ready"));
        }
    }

    /** Every route as "METHOD path" with its access policy as the OpenAPI document writes it ({@code x-access}). */
    public Map<String, String> accessPolicies() {
        Map<String, String> policies = new TreeMap<>();
        declared.forEach((route, access) -> policies.put(route, access.policy.describe()));
        return policies;
    }

    private void checkEveryRouteDeclaresAccess() {
        List<String> undeclared = routes().stream().filter(r -> !declared.containsKey(r)).toList();
        if (!undeclared.isEmpty()) throw new IllegalStateException("routes without an access policy: " + undeclared);
    }

    public JsonNode openApi() {
        return openApi;
    }

    private void authenticate(Context ctx) {
        Access access = ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no access policy on " + routePath(ctx)));
        if (access == Access.PUBLIC) return;
        if (ctx.contentLength() > Bodies.MAX_BYTES) {
            throw new ProblemException(413, "content-too-large", "the request body is larger than " + Bodies.MAX_BYTES + " bytes", null);
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ProblemException.unauthorized("send an API token as 'Authorization: Bearer <token>'");
        }
        Principal principal = services.tokens().authenticate(header.substring(7).strip())
                .orElseThrow(() -> ProblemException.unauthorized("the token is unknown or revoked"));
        ctx.attribute(Http.PRINCIPAL, principal);
        Map<String, String> path = ctx.pathParamMap();
        access.policy.denial(principal, path.get("tenant"), path.get("cell")).ifPresent(reason -> {
            throw ProblemException.forbidden(reason + " (" + ctx.method() + " " + routePath(ctx) + ")");
        });
    }

    private void audit(Context ctx) {
        HandlerType method = ctx.method();
        if (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS) return;
        Principal who = ctx.attribute(Http.PRINCIPAL);
        if (who == null) return;
        int status = ctx.status().getCode();
        // an agent's own status reports are telemetry (what they cause is audited as system actions); anyone else's are not
        if (status < 400 && who.role() == dev.tenantry.api.model.Role.agent && routePath(ctx).endsWith("/status")) return;
        String result = status < 400 ? "success" : status == 401 || status == 403 ? "denied" : "failure";
        String tenant = ctx.pathParamMap().get("tenant");
        try {
            services.audit().record(who, method.name() + " " + routePath(ctx), ctx.path(), tenant, result, "HTTP " + status);
        } catch (RuntimeException e) {
            log.error("Could not write the audit record for {} {}", method, ctx.path(), e);
            throw e;
        }
    }

    /** The matched route's path template, e.g. {@code /v1/tenants/{tenant}}. */
    private static String routePath(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? ctx.path() : endpoint.path;
    }

    private void registerErrorMapping(io.javalin.config.RoutesConfig routes) {
        routes.exception(ProblemException.class, (e, ctx) -> {
            if (e.status == 401) ctx.header("WWW-Authenticate", "Bearer realm=\"tenantry\"");
            problem(ctx, e.status, e.type, e.getMessage(), e.errors);
        });
        routes.exception(ValidationException.class, (e, ctx) -> problem(ctx, 400, "invalid-request", e.getMessage(), e.errors()));
        routes.exception(NotFoundException.class, (e, ctx) -> problem(ctx, 404, "not-found", e.getMessage(), fields(e.field(), e.getMessage())));
        routes.exception(ConflictException.class, (e, ctx) -> problem(ctx, 409, "conflict", e.getMessage(), fields(e.field(), e.getMessage())));
        routes.exception(PreconditionFailedException.class, (e, ctx) -> problem(ctx, 412, "precondition-failed", e.getMessage(),
                fields("If-Match", e.getMessage())));
        routes.exception(ForbiddenException.class, (e, ctx) -> problem(ctx, 403, "forbidden", e.getMessage(), List.of()));
        routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, e.getStatus(), typeFor(e.getStatus()), e.getMessage(), List.of()));
        routes.exception(InterruptedException.class, (e, ctx) -> {
            ctx.header("Retry-After", "1");
            problem(ctx, 503, "shutting-down", "the server is shutting down; retry against another replica", List.of());
        });
        routes.exception(Exception.class, (e, ctx) -> {
            if (DatabaseFailures.unavailable(e)) {
                log.warn("The database is unavailable ({} {}): {}", ctx.method(), ctx.path(), DatabaseFailures.rootMessage(e));
                ctx.header("Retry-After", "1");
                problem(ctx, 503, "database-unavailable", "the database is unavailable; retry shortly", List.of());
                return;
            }
            if (isRecycled(e)) {
                // a long poll that returned after its client left and Jetty recycled the exchange (an agent stopping first)
                log.debug("A request ended after its exchange was recycled: {}", e.getMessage());
                return;
            }
            log.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
            problem(ctx, 500, "internal", "an internal error occurred; the server log has the details", List.of());
        });
    }

    /** Jetty's answer to writing to an exchange it already recycled: there is no one left to answer. */
    private static boolean isRecycled(Exception e) {
        return e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("(likely recycled)");
    }

    private static String typeFor(int status) {
        return switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "content-too-large";
            default -> "http-" + status;
        };
    }

    private static List<FieldError> fields(String field, String message) {
        return field == null ? List.of() : List.of(new FieldError(field, message));
    }

    private static void problem(Context ctx, int status, String type, String detail, List<FieldError> errors) {
        Problem problem = new Problem(PROBLEM_BASE + type, titleOf(status), status, detail, ctx.path(), errors.isEmpty() ? null : errors);
        ctx.status(status).contentType("application/problem+json").result(Json.write(problem));
    }

    private static String titleOf(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 406 -> "Not Acceptable";
            case 415 -> "Unsupported Media Type";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    private static JsonNode loadOpenApi() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) throw new IllegalStateException("openapi.yaml is missing from the server jar");
            return Json.YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("openapi.yaml cannot be read", e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
