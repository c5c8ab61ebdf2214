package dev.tenantry.agent;

import dev.tenantry.api.cell.CertificateRequest;
import dev.tenantry.api.cell.IssuedCertificate;
import dev.tenantry.api.cell.ServedCertificate;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a TLS certificate for every host name the cell's gateway routes: makes a key (on this host; it never leaves
 * the agent's memory), asks the server's CA to certify it, hands the certificate to the gateway, and renews it when two
 * thirds of its validity are past. A failed request is tried again at the next check; the certificate in use stays
 * until it expires.
 */
final class CertificateKeeper implements AutoCloseable {
    interface Issuer {
        IssuedCertificate issue(CertificateRequest request) throws IOException, InterruptedException;
    }

    /** The certificates a vendor uploaded for an instance's custom domains. */
    interface Uploads {
        List<ServedCertificate> of(String instanceUid) throws IOException, InterruptedException, GeneralSecurityException;
    }

    /** An instance's uploaded certificates, as fetched for these fingerprints. */
    private record Uploaded(Map<String, String> fingerprints, List<ServedCertificate> certificates) {}

    private final Map<String, Uploaded> uploaded = new ConcurrentHashMap<>();

    static final Duration CHECK = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(CertificateKeeper.class);
    private final Issuer issuer;
    private final Supplier<Set<String>> hosts;
    private final Uploads uploads;
    private final Supplier<Map<String, Map<String, String>>> domains;
    private final Consumer<List<ServedCertificate>> gateway;
    private final Clock clock;
    /** A certificate in use and when this agent got it, by its own clock. */
    private record Held(ServedCertificate certificate, Instant obtainedAt) {}

    private final Map<String, Held> served = new ConcurrentHashMap<>();
    private final java.util.concurrent.Semaphore poke = new java.util.concurrent.Semaphore(0);
    private volatile boolean running = true;
    private Thread thread;

    CertificateKeeper(Issuer issuer, Supplier<Set<String>> hosts, Consumer<List<ServedCertificate>> gateway, Clock clock) {
        this(issuer, hosts, uid -> List.of(), Map::of, gateway, clock);
    }

    /** {@code domains}: the custom domains of the cell's instances, by uid (domain → certificate fingerprint), fetched with {@code uploads}. */
    CertificateKeeper(Issuer issuer, Supplier<Set<String>> hosts, Uploads uploads, Supplier<Map<String, Map<String, String>>> domains,
                      Consumer<List<ServedCertificate>> gateway, Clock clock) {
        this.issuer = issuer;
        this.uploads = uploads;
        this.domains = domains;
        this.hosts = hosts;
        this.gateway = gateway;
        this.clock = clock;
    }

    CertificateKeeper start() {
        thread = Thread.ofVirtual().name("agent-certificates").start(this::loop);
        return this;
    }

    /** The routed hosts changed: check now rather than at the next interval. */
    void poke() {
        poke.release();
    }

    private void loop() {
        while (running) {
            try {
                check();
                poke.tryAcquire(CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                poke.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass: certificates for new hosts and renewals due; hosts no longer routed are dropped. */
    void check() throws InterruptedException {
        Set<String> wanted = hosts.get();
        boolean changed = served.keySet().removeIf(host -> !wanted.contains(host));
        Instant now = clock.instant();
        for (String host : wanted) {
            Held current = served.get(host);
            if (current != null && !current.certificate().dueForRenewal(current.obtainedAt(), now)) continue;
            try {
                ServedCertificate obtained = obtain(host);
                served.put(host, new Held(obtained, now));
                changed = true;
                log.info("{} a TLS certificate for {} (valid until {})", current == null ? "Got" : "Renewed", host, obtained.notAfter());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                log.warn("Could not {} the TLS certificate for {}: {}{}", current == null ? "get" : "renew", host, e.getMessage(),
                        current == null ? "" : "; the current one is valid until " + current.certificate().notAfter());
            }
        }
        changed |= refreshUploads();
        if (changed) {
            List<ServedCertificate> all = new java.util.ArrayList<>(served.values().stream().map(Held::certificate).toList());
            uploaded.values().forEach(u -> all.addAll(u.certificates()));
            gateway.accept(List.copyOf(all));
        }
    }

    /** Fetches the uploaded certificates of instances whose custom domains changed; true if any did. */
    private boolean refreshUploads() throws InterruptedException {
        Map<String, Map<String, String>> wanted = domains.get();
        boolean changed = uploaded.keySet().removeIf(uid -> !wanted.containsKey(uid));
        for (Map.Entry<String, Map<String, String>> e : wanted.entrySet()) {
            Uploaded current = uploaded.get(e.getKey());
            if (current != null && current.fingerprints().equals(e.getValue())) continue;
            try {
                uploaded.put(e.getKey(), new Uploaded(e.getValue(), uploads.of(e.getKey())));
                changed = true;
                log.info("Serving the uploaded certificates of {} for {}", e.getKey(), e.getValue().keySet());
            } catch (IOException | GeneralSecurityException | RuntimeException failure) {
                log.warn("Could not fetch the certificates of the custom domains {} of {}: {}", e.getValue().keySet(), e.getKey(), failure.getMessage());
            }
        }
        return changed;
    }

    private ServedCertificate obtain(String host) throws IOException, GeneralSecurityException, InterruptedException {
        KeyPair pair = CertificationRequests.newKeyPair();
        IssuedCertificate issued = issuer.issue(new CertificateRequest(CertificationRequests.pem("CN=" + host, pair), List.of(host)));
        return new ServedCertificate(host, pair.getPrivate(), CertificationRequests.chainFor(issued.chain(), pair));
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
