package dev.tenantry.server.domain;

import dev.tenantry.api.model.CustomDomain;
import dev.tenantry.api.model.Phase;
import dev.tenantry.server.keys.SecretBox;
import dev.tenantry.server.pki.Pem;
import dev.tenantry.server.pki.UploadedCertificate;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.CustomDomainRepository.Stored;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Custom domains: the vendor points {@code www.acme.com} at an instance and uploads the domain's certificate and key,
 * checked ({@link UploadedCertificate}) before anything is stored; the key is kept encrypted like a secret and never
 * shown again.
 */
public final class CustomDomainService {
    private final Store store;
    private final SecretBox box;
    private final Signals signals;
    private final Clock realTime;

    /** {@code realTime}: certificates are valid or not by real time, whatever the server decides other things by. */
    public CustomDomainService(Store store, SecretBox box, Signals signals, Clock realTime) {
        this.store = store;
        this.box = box;
        this.signals = signals;
        this.realTime = realTime;
    }

    /** A domain's certificate chain and key (PEM), for the gateway of the cell its instance runs on. */
    public record Served(String domain, String certificate, String key) {
        @Override
        public String toString() {
            return "CustomDomain.Served[" + domain + ", key hidden]";
        }
    }

    /** The certificates and keys of the custom domains of an instance placed on {@code cell} (its agent only). */
    public List<Served> servedBy(String cell, String instanceUid) {
        return store.tx(tx -> {
            InstanceRecord instance = tx.instances().byUid(instanceUid).filter(i -> cell.equals(i.cell()))
                    .orElseThrow(() -> new NotFoundException("id", "no instance '" + instanceUid + "' on cell '" + cell + "'"));
            return tx.customDomains().ofInstance(instance.uid()).stream()
                    .map(d -> new Served(d.domain(), d.certificatePem(), box.open(d.sealedKey(), context(d.domain())))).toList();
        });
    }

    public CustomDomain put(Principal who, String tenant, String name, String domain, CustomDomain.Upload upload) {
        UploadedCertificate checked = UploadedCertificate.check(domain, upload == null ? null : upload.certificate(),
                upload == null ? null : upload.key(), realTime.instant());
        CustomDomain result = store.tx(tx -> {
            InstanceRecord instance = live(tx, tenant, name);
            tx.customDomains().get(checked.domain()).filter(d -> !d.instanceUid().equals(instance.uid())).ifPresent(d -> {
                throw new ConflictException("domain", "domain " + checked.domain() + " points at another instance; delete it there first");
            });
            String keyPem = Pem.write(checked.key());
            Stored stored = new Stored(checked.domain(), instance.uid(), Pem.write(checked.chain().toArray()),
                    box.seal(keyPem, context(checked.domain())), checked.notAfter(), who.actor(), realTime.instant());
            tx.customDomains().put(stored);
            tx.instances().requestReconcile(instance.uid());
            tx.events().append("domain.set", "tenants/" + tenant + "/" + name, tenant,
                    Map.of("domain", checked.domain(), "notAfter", checked.notAfter().toString()));
            return view(tenant, name, stored);
        });
        signals.fire(Signals.Topic.RECONCILE);
        return result;
    }

    public List<CustomDomain> list(String tenant, String name) {
        return store.tx(tx -> {
            InstanceRecord instance = live(tx, tenant, name);
            return tx.customDomains().ofInstance(instance.uid()).stream().map(d -> view(tenant, name, d)).toList();
        });
    }

    public void delete(String tenant, String name, String domain) {
        store.run(tx -> {
            InstanceRecord instance = live(tx, tenant, name);
            if (!tx.customDomains().delete(domain, instance.uid())) {
                throw new NotFoundException("domain", "instance " + tenant + "/" + name + " has no domain " + domain);
            }
            tx.events().append("domain.deleted", "tenants/" + tenant + "/" + name, tenant, Map.of("domain", domain));
            tx.instances().requestReconcile(instance.uid());
        });
        signals.fire(Signals.Topic.RECONCILE);
    }

    private static InstanceRecord live(Tx tx, String tenant, String name) {
        return tx.instances().get(tenant, name).filter(i -> !i.phase().isDeleted() && i.phase() != Phase.DELETING)
                .orElseThrow(() -> new NotFoundException("name", "tenant '" + tenant + "' has no live instance '" + name + "'"));
    }

    private static CustomDomain view(String tenant, String name, Stored d) {
        X509Certificate leaf = Pem.certificates(d.certificatePem()).getFirst();
        List<String> names = UploadedCertificate.names(leaf);
        return new CustomDomain(d.domain(), tenant, name, d.notAfter(), leaf.getSubjectX500Principal().getName(),
                leaf.getIssuerX500Principal().getName(), names, d.createdAt(), d.createdBy());
    }

    private static String context(String domain) {
        return "tenantry:domain-key:" + domain;
    }
}
