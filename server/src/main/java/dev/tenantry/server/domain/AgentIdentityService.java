package dev.tenantry.server.domain;

import dev.tenantry.api.cell.AgentJoin;
import dev.tenantry.api.cell.IssuedCertificate;
import dev.tenantry.api.model.Role;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.pki.CertificateAuthority;
import dev.tenantry.server.pki.Pem;
import dev.tenantry.server.store.AgentIdentityRepository.JoinToken;
import dev.tenantry.server.store.Store;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * How agents prove which cell they serve: an admin makes a one-time join token for a cell; the agent exchanges it, once,
 * for a client certificate bound to that cell (its key stays on its host) and from then on calls the server over
 * mutual TLS, renewing the certificate itself. Revoking a cell refuses every certificate of it issued before, at once.
 */
public final class AgentIdentityService {
    public static final String JOIN_PREFIX = "tjn_";
    /** The organisational unit of every agent certificate; its common name is the cell. */
    public static final String AGENT_UNIT = "tenantry-cell-agent";
    static final Duration DEFAULT_JOIN_TTL = Duration.ofHours(1);
    static final Duration MAX_JOIN_TTL = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Store store;
    private final TokenService tokens;
    private final CertificateAuthority authority;
    private final Clock clock;
    private final Clock realTime;
    private final Duration lifetime;

    /** {@code clock}: when join tokens expire; certificates carry {@code realTime}, as their clients check them by it. */
    public AgentIdentityService(Store store, TokenService tokens, CertificateAuthority authority, Clock clock, Clock realTime, Duration lifetime) {
        this.store = store;
        this.tokens = tokens;
        this.authority = authority;
        this.clock = clock;
        this.realTime = realTime;
        this.lifetime = lifetime;
    }

    /** A new join token for {@code cell}, shown this once (only its hash is kept). */
    public record JoinTokenCreated(String id, String cell, String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "JoinTokenCreated[" + id + ", " + cell + ", until " + expiresAt + "]";
        }
    }

    public JoinTokenCreated createJoinToken(Principal who, String cell, Integer ttlMinutes) {
        Errors errors = new Errors();
        Slugs.check(errors, "cell", cell);
        Duration ttl = ttlMinutes == null ? DEFAULT_JOIN_TTL : Duration.ofMinutes(ttlMinutes);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_JOIN_TTL) > 0) errors.add("ttlMinutes", "must be between 1 and " + MAX_JOIN_TTL.toMinutes());
        errors.throwIfAny();
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = JOIN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        String id = Ids.newId("join", 12);
        store.run(tx -> {
            tx.agentIdentities().insertJoinToken(id, cell, TokenService.hash(token), who.actor(), now, now.plus(ttl));
            tx.audit().record(who.actor(), "cell.join-token", "cells/" + cell, null, "success", "join token " + id + " until " + now.plus(ttl));
        });
        return new JoinTokenCreated(id, cell, token, now.plus(ttl));
    }

    /** Exchanges a join token of {@code cell}, once, for a client certificate of the cell's agent. */
    public IssuedCertificate join(String cell, AgentJoin request) {
        Errors errors = new Errors();
        String token = request == null ? null : request.token();
        if (token == null || !token.startsWith(JOIN_PREFIX) || token.length() > 200) errors.add("token", "is not a join token");
        PublicKey key = request == null ? null : CertificateService.verifiedKey(request.csr(), errors);
        errors.throwIfAny();
        return store.tx(tx -> {
            JoinToken found = tx.agentIdentities().lockJoinToken(TokenService.hash(token))
                    .filter(t -> t.cell().equals(cell))
                    .orElseThrow(() -> new ValidationFailure("token", "is not a join token of cell '" + cell + "'"));
            Instant now = clock.instant();
            if (found.usedAt() != null) throw new ValidationFailure("token", "was used already, at " + found.usedAt() + ": make a new one");
            if (!now.isBefore(found.expiresAt())) throw new ValidationFailure("token", "expired at " + found.expiresAt() + ": make a new one");
            tx.agentIdentities().markUsed(found.id(), now);
            IssuedCertificate issued = issue(key, cell);
            tx.audit().record("agent of cell " + cell, "cell.join", "cells/" + cell, null, "success",
                    "join token " + found.id() + " exchanged for certificate " + issued.serial());
            return issued;
        });
    }

    /** A new certificate for an agent that holds a valid one (or a token) of its cell. */
    public IssuedCertificate renew(Principal agent, String cell, String csr) {
        Errors errors = new Errors();
        PublicKey key = CertificateService.verifiedKey(csr, errors);
        errors.throwIfAny();
        if (agent.cell() == null || !agent.cell().equals(cell)) throw new ForbiddenException("only the agent of cell '" + cell + "' renews its certificate");
        return issue(key, cell);
    }

    /** Cuts the cell's agents off at once: every certificate of the cell issued before now, and its agent tokens. */
    public void revoke(Principal who, String cell) {
        store.run(tx -> {
            tx.agentIdentities().revoke(cell, realTime.instant());
            int tokens = tx.tokens().revokeAgentTokensOf(cell);
            tx.audit().record(who.actor(), "cell.revoke", "cells/" + cell, null, "success",
                    "certificates issued before now and " + tokens + " agent token(s) refused");
            tx.events().append("cell.revoked", "cells/" + cell, null, Map.of("cell", cell));
        });
        tokens.forgetCached();
    }

    /**
     * The agent a client certificate (already verified by the TLS layer as issued by this CA) speaks for; empty when it
     * is no agent certificate or its cell was revoked after it was issued.
     */
    public Optional<Principal> authenticate(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) return Optional.empty();
        X509Certificate leaf = chain[0];
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        String unit = first(subject, BCStyle.OU);
        String cell = first(subject, BCStyle.CN);
        if (!AGENT_UNIT.equals(unit) || cell == null) return Optional.empty();
        Instant issued = leaf.getNotBefore().toInstant().plusSeconds(CertificateAuthority.BACKDATE_SECONDS);
        Optional<Instant> revoked = store.tx(tx -> tx.agentIdentities().revokedAt(cell));
        if (revoked.isPresent() && !issued.isAfter(revoked.get())) return Optional.empty();
        String serial = leaf.getSerialNumber().toString(16);
        return Optional.of(new Principal("cert:" + serial, "agent of cell " + cell, Role.agent, null, cell));
    }

    private IssuedCertificate issue(PublicKey key, String cell) {
        X509Certificate cert = authority.issueClient(key, "CN=" + cell + ",OU=" + AGENT_UNIT, realTime.instant(), lifetime);
        return new IssuedCertificate(Pem.write(cert, authority.certificate()), cert.getSerialNumber().toString(16),
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    }

    private static String first(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }
}
