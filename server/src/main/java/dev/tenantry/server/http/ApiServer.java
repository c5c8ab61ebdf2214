package dev.tenantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.api.model.Role;
import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.domain.RateLimits;
import dev.tenantry.server.domain.Services;
import dev.tenantry.server.metrics.ServerMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
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

    private final Services services;
    private final RateLimits rateLimits;
    private final boolean agentTokens;
    private final Javalin app;
    private final JsonNode openApi;
    private final ServerMetrics metrics;
    private static final String STARTED = "tenantry.started";
    private final Map<String, Access> declared = new TreeMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();

    public ApiServer(Services services, RateLimits rateLimits, ServerMetrics metrics) {
        this(services, rateLimits, null, null, true, metrics);
    }

    /** With HTTPS on {@code tlsPort} too (null: none; 0: any free one), its certificate from {@code certificate}. */
    public ApiServer(Services services, RateLimits rateLimits, Integer tlsPort, javax.net.ssl.X509ExtendedKeyManager certificate,
                     boolean agentTokens, ServerMetrics metrics) {
        this.services = services;
        this.metrics = metrics;
        this.agentTokens = agentTokens;
        this.rateLimits = rateLimits;
        this.openApi = loadOpenApi();
        ContentNegotiation negotiation = new ContentNegotiation(openApi);
        IdempotencyKeys idempotencyKeys = new IdempotencyKeys(services.idempotentRequests());
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = Bodies.MAX_BYTES;
            config.startup.showJavalinBanner = false;
            config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
            config.routes.beforeMatched(ctx -> dev.tenantry.server.logging.LogContext.of(ctx.pathParamMap().get("tenant"), ctx.pathParamMap().get("name")));
            config.routes.beforeMatched(this::authenticate);
            config.routes.beforeMatched(ctx -> negotiation.check(ctx, routePath(ctx)));
            config.routes.beforeMatched(ctx -> idempotencyKeys.before(ctx, routePath(ctx), accessOf(ctx)));
            config.routes.afterMatched(idempotencyKeys::endOfWork);
            config.routes.afterMatched(this::audit);
            config.routes.afterMatched(idempotencyKeys::after);
            config.routes.after(this::measure);
            Routes routes = new Routes(config.routes);
            routes.get("/readyz", Access.PUBLIC, this::readiness);
            routes.get("/metrics", Access.PROVIDER_VIEWER, ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
            routes.get("/v1/openapi.json", Access.PUBLIC, ctx -> ctx.contentType("application/json").result(Json.write(openApi)));
            routes.get("/docs", Access.PUBLIC, ApiReferencePage::page);
            routes.get("/docs/assets/{file}", Access.PUBLIC, ApiReferencePage::asset);
            new CatalogRoutes(services.catalog()).register(routes);
            new TenantRoutes(services.tenants()).register(routes);
            new InstanceRoutes(services.instances()).register(routes);
            new CellRoutes(services.cells()).register(routes);
            new TokenRoutes(services.tokens()).register(routes);
            new AuditRoutes(services.audit()).register(routes);
            new SecretRoutes(services.secrets()).register(routes);
            new AgentIdentityRoutes(services.agents()).register(routes);
            new CustomDomainRoutes(services.domains()).register(routes);
            new DatabaseRoutes(services.databases()).register(routes);
            new BackupRoutes(services.backups()).register(routes);
            new LogRoutes(services.logs()).register(routes);
            new AlertRoutes(services.alerts()).register(routes);
            new WebhookRoutes(services.webhooks()).register(routes);
            new UsageRoutes(services.usage()).register(routes);
            routes.get("/v1/ca", Access.PUBLIC, ctx -> ctx.contentType("application/x-pem-file").result(services.certificates().authorityPem()));
            routes.post("/v1/cells/{cell}/certificates", Access.CELL_AGENT, ctx -> Http.json(ctx, 201,
                    services.certificates().issue(ctx.pathParam("cell"), Bodies.read(ctx, dev.tenantry.api.cell.CertificateRequest.class))));
            new RolloutRoutes(services.rollouts()).register(routes);
            new EventRoutes(services.events(), StreamSlots.withDefaults()).register(routes);
            ErrorMapping.register(config.routes);
            config.routes.before(RequestChecks::check);
            config.http.prefer405over404 = true;
            config.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            if (tlsPort != null) {
                // with connectors of its own, Javalin opens no default one: plain HTTP first (port() reports it), then HTTPS
                config.jetty.addConnector((server, http) -> {
                    plainConnector = new org.eclipse.jetty.server.ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
                    plainConnector.setHost(host);
                    plainConnector.setPort(plainPort);
                    return plainConnector;
                });
                config.jetty.addConnector((server, http) -> tlsConnector(server, http, tlsPort, certificate));
            }
            declared.putAll(routes.declared());
        });
        checkEveryRouteDeclaresAccess();
    }

    private org.eclipse.jetty.server.ServerConnector tlsConnector;
    private org.eclipse.jetty.server.ServerConnector plainConnector;
    /** Where {@link #start} listens (read when Javalin makes the connectors, as it starts). */
    private volatile String host;
    private volatile int plainPort;

    private org.eclipse.jetty.server.Connector tlsConnector(org.eclipse.jetty.server.Server server, org.eclipse.jetty.server.HttpConfiguration http,
                                                            int port, javax.net.ssl.X509ExtendedKeyManager certificate) {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            // agents present client certificates of the internal CA (mutual TLS); anyone else a bearer token
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("tenantry-ca", services.certificates().authority().certificate());
            javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            context.init(new javax.net.ssl.KeyManager[] {certificate}, trustManagers.getTrustManagers(), null);
            org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
            ssl.setSslContext(context);
            ssl.setWantClientAuth(true);
            org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration(http);
            org.eclipse.jetty.server.SecureRequestCustomizer secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            tlsConnector = new org.eclipse.jetty.server.ServerConnector(server, new org.eclipse.jetty.server.SslConnectionFactory(ssl, "http/1.1"),
                    new org.eclipse.jetty.server.HttpConnectionFactory(https));
            tlsConnector.setPort(port);
            tlsConnector.setHost(host);
            return tlsConnector;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /** The HTTPS port, or -1 without HTTPS. */
    public int tlsPort() {
        return tlsConnector == null ? -1 : tlsConnector.getLocalPort();
    }

    public ApiServer start(String host, int port) {
        this.host = host;
        this.plainPort = port;
        app.start(host, port);
        return this;
    }

    public int port() {
        return plainConnector != null ? plainConnector.getLocalPort() : app.port();
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
            Problems.write(ctx, 503, "starting", "Tenantry is still starting", List.of());
        } else if (!services.health().databaseAnswers()) {
            ctx.header("Retry-After", "1");
            Problems.write(ctx, 503, "database-unavailable", "the database does not answer", List.of());
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

    /** Where the servlet request keeps the client's certificate chain of a mutual TLS connection. */
    private static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private static Access accessOf(Context ctx) {
        return ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no access policy on " + routePath(ctx)));
    }

    private void authenticate(Context ctx) {
        Access access = accessOf(ctx);
        if (access == Access.PUBLIC) return;
        long maxBytes = access == Access.CELL_AGENT ? Bodies.MAX_REPORT_BYTES : Bodies.MAX_BYTES;
        if (ctx.contentLength() > maxBytes) {
            throw new ProblemException(413, "content-too-large", "the request body is larger than " + maxBytes + " bytes", null);
        }
        String header = ctx.header("Authorization");
        Principal principal;
        if (header == null && ctx.req().getAttribute(CLIENT_CERTIFICATES) instanceof java.security.cert.X509Certificate[] chain) {
            principal = services.agents().authenticate(chain)
                    .orElseThrow(() -> ProblemException.unauthorized("the client certificate is no agent's, or its cell was revoked"));
        } else if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ProblemException.unauthorized("send an API token as 'Authorization: Bearer <token>'");
        } else {
            principal = services.tokens().authenticate(header.substring(7).strip())
                    .orElseThrow(() -> ProblemException.unauthorized("the token is unknown or revoked"));
            if (principal.role() == Role.agent && !agentTokens) {
                throw ProblemException.unauthorized("agent tokens are turned off on this server: agents join with mutual TLS"
                        + " (tenantry cells join-token; tenantry agent --join-token)");
            }
        }
        ctx.attribute(Http.PRINCIPAL, principal);
        if (access != Access.CELL_AGENT) {
            boolean write = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
            rateLimits.take(principal.tokenId(), write, System.nanoTime()).ifPresent(wait -> {
                throw ProblemException.tooManyRequests("this token made too many " + (write ? "changes" : "reads")
                        + " in a short time; retry after the time Retry-After gives", (int) Math.max(1, Math.ceil(wait.toMillis() / 1000.0)));
            });
        }
        Map<String, String> path = ctx.pathParamMap();
        access.policy.denial(principal, path.get("tenant"), path.get("cell")).ifPresent(reason -> {
            throw ProblemException.forbidden(reason + " (" + ctx.method() + " " + routePath(ctx) + ")");
        });
    }

    private void audit(Context ctx) {
        HandlerType method = ctx.method();
        if (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS) return;
        Principal who;
        try {
            who = ctx.attribute(Http.PRINCIPAL);
        } catch (NullPointerException | IllegalStateException e) {
            if (ErrorMapping.isRecycled(e)) return; // the server stopped under the request: nobody is left to answer, nothing was done
            throw e;
        }
        if (who == null) return;
        int status = ctx.status().getCode();
        // an agent's own status reports, log chunks and usage reports are telemetry (what they cause is audited as system actions);
        // anyone else's are not
        if (status < 400 && who.role() == Role.agent && (routePath(ctx).endsWith("/status") || routePath(ctx).contains("/log-requests/")
                || routePath(ctx).endsWith("/usage"))) return;
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
    /** Every request, matched or not (then its route is "unmatched": raw paths would make the series unbounded). */
    private void measure(Context ctx) {
        dev.tenantry.server.logging.LogContext.clear();
        Long started;
        try {
            started = ctx.attribute(STARTED);
        } catch (NullPointerException | IllegalStateException e) {
            // an after-handler must not throw: Javalin would run the after-handlers again, and again
            if (ErrorMapping.isRecycled(e)) return;
            throw e;
        }
        if (started == null) return;
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        metrics.recordRequest(ctx.method().name(), endpoint == null ? "unmatched" : endpoint.path, ctx.status().getCode(), System.nanoTime() - started);
    }

    private static String routePath(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? ctx.path() : endpoint.path;
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
