package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.SecretRef;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values of each instance's secrets, in memory only, for the versions its deployment names: fetched once per
 * version set, so a replica restarted after a crash gets them while the server is away.
 */
final class SecretValues {
    private record Entry(Map<String, SecretRef> refs, Map<String, String> values) {}

    private final SecretSource source;
    private final Map<String, Entry> byInstance = new ConcurrentHashMap<>();

    SecretValues(SecretSource source) {
        this.source = source;
    }

    Map<String, String> of(Deployment d) throws IOException {
        if (d.secrets().isEmpty()) return Map.of();
        Entry cached = byInstance.get(d.instanceUid());
        if (cached != null && cached.refs().equals(d.secrets())) return cached.values();
        try {
            Map<String, String> values = Map.copyOf(source.values(d));
            if (!values.keySet().containsAll(d.secrets().keySet())) {
                throw new IOException("the server gave no value for secrets " + d.secrets().keySet().stream().filter(k -> !values.containsKey(k)).toList());
            }
            byInstance.put(d.instanceUid(), new Entry(d.secrets(), values));
            return values;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the secrets of " + d.key(), e);
        }
    }

    void forget(String instanceUid) {
        byInstance.remove(instanceUid);
    }
}
