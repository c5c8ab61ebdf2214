package dev.tenantry.server.domain;

import dev.tenantry.api.cell.CertificateRequest;
import dev.tenantry.api.cell.IssuedCertificate;
import dev.tenantry.api.model.Condition;
import dev.tenantry.api.model.InstanceStatus;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.pki.CertificateAuthority;
import dev.tenantry.server.pki.Pem;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.CertificateRepository.Issued;
import dev.tenantry.server.store.CertificateRepository.ServedHost;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The internal certificate authority as the API shows it: its certificate, for clients to trust, and the short-lived
 * certificates it issues to a cell's agent for the host names of the instances placed on that cell (the key stays on
 * the cell: the agent sends a certification request). Each issue is recorded, shown in the instance's status as its
 * {@code Certificate} condition (valid until when) and announced as a {@code certificate.issued} event.
 */
public final class CertificateService {
    static final int MAX_HOSTS = 20;
    private final CertificateAuthority authority;
    private final Store store;
    private final Signals signals;
    private final Clock clock;
    private final Duration lifetime;

    public CertificateService(CertificateAuthority authority, Store store, Signals signals, Clock clock, Duration lifetime) {
        this.authority = authority;
        this.store = store;
        this.signals = signals;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public CertificateAuthority authority() {
        return authority;
    }

    /** The authority's certificate, PEM. */
    public String authorityPem() {
        return authority.certificatePem();
    }

    /** A certificate for {@code request.hosts()}, each the host of a live instance placed on {@code cell}. */
    public IssuedCertificate issue(String cell, CertificateRequest request) {
        Errors errors = new Errors();
        List<String> hosts = request == null || request.hosts() == null ? List.of() : request.hosts();
        if (hosts.isEmpty() || hosts.size() > MAX_HOSTS) errors.add("hosts", "must name 1 to " + MAX_HOSTS + " host names");
        PublicKey key = request == null ? null : verifiedKey(request.csr(), errors);
        errors.throwIfAny();
        IssuedCertificate issued = store.tx(tx -> {
            Map<String, String> served = tx.certificates().hostsOf(cell).stream()
                    .collect(Collectors.toMap(ServedHost::host, ServedHost::instanceUid, (a, b) -> a));
            List<String> foreign = hosts.stream().filter(h -> !served.containsKey(h)).toList();
            if (!foreign.isEmpty()) {
                throw new ForbiddenException("cell '" + cell + "' serves no live instance at " + String.join(", ", foreign));
            }
            Instant now = clock.instant();
            X509Certificate cert = authority.issueServer(key, hosts, now, lifetime);
            String serial = cert.getSerialNumber().toString(16);
            for (String host : hosts) {
                Issued record = new Issued(serial + (hosts.size() > 1 ? "/" + host : ""), cell, host, served.get(host),
                        cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), now);
                tx.certificates().record(record);
                showInStatus(tx, served.get(host), host, record.notAfter(), now);
                tx.events().append("certificate.issued", "cells/" + cell, null,
                        Map.of("host", host, "serial", serial, "notAfter", record.notAfter().toString()));
            }
            return new IssuedCertificate(Pem.write(cert, authority.certificate()), serial, cert.getNotBefore().toInstant(),
                    cert.getNotAfter().toInstant());
        });
        signals.fire(Signals.Topic.EVENTS);
        return issued;
    }

    /**
     * Announces every certificate in use that is close to its expiry without having been renewed (the last sixth of its
     * life: a renewal is due at two thirds) as a {@code certificate.expiring} event, once each; returns how many.
     */
    public int warnOfExpiry() {
        Instant now = clock.instant();
        int warned = store.tx(tx -> {
            var expiring = tx.certificates().expiringUnwarned(now.plus(lifetime.dividedBy(6)));
            for (Issued c : expiring) {
                tx.events().append("certificate.expiring", "cells/" + c.cell(), null,
                        Map.of("host", c.host(), "serial", c.serial(), "notAfter", c.notAfter().toString(), "instanceUid", c.instanceUid()));
                tx.certificates().markWarned(c.serial(), now);
            }
            return expiring.size();
        });
        if (warned > 0) signals.fire(Signals.Topic.EVENTS);
        return warned;
    }

    /** The key of a certification request whose signature matches it; null (with the error added) otherwise. */
    static PublicKey verifiedKey(String csrPem, Errors errors) {
        try {
            PKCS10CertificationRequest csr = Pem.certificationRequest(csrPem);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                errors.add("csr", "its signature does not match its key");
                return null;
            }
            return new JcaPKCS10CertificationRequest(csr).getPublicKey();
        } catch (IllegalArgumentException e) {
            errors.add("csr", "is not a PEM certification request");
        } catch (Exception e) {
            errors.add("csr", "cannot be verified: " + e.getMessage());
        }
        return null;
    }

    /** The instance's {@code Certificate} condition: issued for the host, valid until when. */
    private static void showInStatus(Tx tx, String instanceUid, String host, Instant notAfter, Instant now) {
        tx.instances().lockByUid(instanceUid).ifPresent(instance -> {
            InstanceStatus s = instance.status();
            List<Condition> conditions = new ArrayList<>(s.conditions().stream().filter(c -> !c.type().equals("Certificate")).toList());
            conditions.add(new Condition("Certificate", Condition.Status.True, "Issued", "TLS certificate for " + host + " valid until " + notAfter, now));
            tx.instances().saveStatusKeepingDeployment(instance.withStatus(new InstanceStatus(s.phase(), s.observedGeneration(), s.release(), s.cell(),
                    s.endpoint(), s.message(), conditions, s.replicas())));
        });
    }
}
