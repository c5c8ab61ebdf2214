package dev.tenantry.server.domain;

import dev.tenantry.api.Hashes;
import dev.tenantry.api.model.Role;
import dev.tenantry.api.model.Token;
import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;

/**
 * Bearer tokens. A secret is 32 random bytes; only its SHA-256 is stored (a fast hash is right for
 * high-entropy secrets, unlike passwords), so a leaked database does not leak usable tokens.
 */
public final class TokenService {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "tnt_";
    private final Store store;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Principal principal, long expiresAtNanos) {}

    /** How long a verified token is trusted without a database lookup; revocation on this server clears it at once. */
    private final Duration cacheTtl;

    /** {@code cacheTtl}: how long a checked token is trusted without looking it up again. */
    public TokenService(Store store, Clock clock, Duration cacheTtl) {
        this.store = store;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
    }

    /** Forgets every cached authentication (after a revocation that did not go through {@link #revoke}). */
    public void forgetCached() {
        cache.clear();
    }

    public Optional<Principal> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) return Optional.empty();
        String hash = hash(secret);
        Cached cached = cache.get(hash);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) return Optional.of(cached.principal());
        Optional<Principal> principal = store.tx(tx -> tx.tokens().activeByHash(hash))
                .map(t -> new Principal(t.id(), t.name(), t.role(), t.tenant(), t.cell()));
        if (principal.isPresent()) {
            if (cache.size() > 10_000) cache.clear();
            cache.put(hash, new Cached(principal.get(), System.nanoTime() + cacheTtl.toNanos()));
        } else {
            cache.remove(hash);
        }
        return principal;
    }

    /**
     * Active tokens a tenant may have: each has its own rate limit and its own event streams, so that a tenant minting
     * tokens without end would have no limit at all.
     */
    public static final int MAX_ACTIVE_PER_TENANT = 100;

    public Token create(Principal who, TokenCreate request) {
        Errors errors = new Errors();
        if (request.name() == null || request.name().isBlank() || request.name().length() > 100) errors.add("name", "must be 1-100 characters");
        if (request.role() == null) errors.add("role", "must be one of admin, operator, viewer, agent");
        if (request.role() == Role.agent && request.cell() == null) errors.add("cell", "is required for agent tokens");
        if (request.role() != Role.agent && request.cell() != null) errors.add("cell", "only agent tokens serve a cell");
        if (request.role() == Role.agent && request.tenant() != null) errors.add("tenant", "agent tokens are not scoped to a tenant");
        if (request.cell() != null && !Slugs.isValid(request.cell())) errors.add("cell", Slugs.RULE);
        errors.throwIfAny();
        if (who.tenant() != null && !who.tenant().equals(request.tenant())) {
            throw new ForbiddenException("a token of tenant '" + who.tenant() + "' can only create tokens of that tenant");
        }
        return store.tx(tx -> {
            if (request.tenant() != null) {
                // the tenant's row, locked: two creates at once cannot both pass the count
                if (tx.tenants().lock(request.tenant()).isEmpty()) throw new ValidationFailure("tenant", "no tenant '" + request.tenant() + "'");
                if (tx.tokens().countActiveOf(request.tenant()) >= MAX_ACTIVE_PER_TENANT) {
                    throw new QuotaExceededException("tokens", "tenant '" + request.tenant() + "' already has " + MAX_ACTIVE_PER_TENANT
                            + " active tokens; revoke one it no longer uses first");
                }
            }
            return issue(tx, request);
        });
    }

    /** Creates a token without a caller (bootstrap of the first admin token). */
    public Token issue(TokenCreate request) {
        return store.tx(tx -> issue(tx, request));
    }

    /**
     * The token {@code request} describes with the given {@code secret}, registered unless the database knows it
     * already: a bootstrap admin token kept in a secret store and shared by several server replicas. A revoked one
     * is refused (put a new secret in its place).
     */
    public Token adopt(TokenCreate request, String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() < PREFIX.length() + 32 || secret.length() > 200) {
            throw new IllegalArgumentException("a token is tnt_ followed by at least 32 letters, digits, '-' or '_'");
        }
        String hash = hash(secret);
        try {
            return store.tx(tx -> tx.tokens().activeByHash(hash).orElseGet(() -> {
                Token token = new Token(Ids.newId("tok", 12), request.name(), request.role(), request.tenant(), request.cell(), clock.instant(), null, null);
                tx.tokens().insert(token, hash);
                return token;
            }));
        } catch (RuntimeException e) {
            // another replica registered it at the same time, or it was revoked (the hash is unique)
            return store.tx(tx -> tx.tokens().activeByHash(hash))
                    .orElseThrow(() -> new IllegalStateException("this admin token was revoked; put a new one (tnt_…) in its file", e));
        }
    }

    private Token issue(dev.tenantry.server.store.Tx tx, TokenCreate request) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Token token = new Token(Ids.newId("tok", 12), request.name(), request.role(), request.tenant(), request.cell(), clock.instant(), null, null);
        tx.tokens().insert(token, hash(secret));
        Token stored = tx.tokens().get(token.id()).orElseThrow();
        return new Token(stored.id(), stored.name(), stored.role(), stored.tenant(), stored.cell(), stored.createdAt(), null, secret);
    }

    public List<Token> list(Principal who) {
        return store.read(tx -> tx.tokens().list(who.tenant()));
    }

    public void revoke(Principal who, String id) {
        store.run(tx -> {
            Token token = tx.tokens().get(id).filter(t -> who.canSeeTenant(t.tenant()))
                    .orElseThrow(() -> new NotFoundException("token", "no token '" + id + "'"));
            if (token.revokedAt() == null) tx.tokens().revoke(token.id());
        });
        cache.values().removeIf(c -> c.principal().tokenId().equals(id));
    }


    static String hash(String secret) {
        return Hashes.sha256(secret);
    }
}
