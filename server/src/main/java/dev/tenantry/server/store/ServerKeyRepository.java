package dev.tenantry.server.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The control plane's own keys, stored encrypted (as text the caller encrypted). */
public final class ServerKeyRepository {
    private final Handle h;

    ServerKeyRepository(Handle h) {
        this.h = h;
    }

    public Optional<String> get(String name) {
        return h.createQuery("select keyset from server_keys where name = :name").bind("name", name).mapTo(String.class).findOne();
    }

    /** The keyset stored under {@code name}, storing {@code created} first if there is none (in one transaction of {@code store}). */
    public static String getOrInsert(Store store, String name, java.util.function.Supplier<String> created) {
        return store.tx(tx -> tx.serverKeys().get(name).orElseGet(() -> {
            tx.serverKeys().insertIfAbsent(name, created.get());
            return tx.serverKeys().get(name).orElseThrow();
        }));
    }

    /** Stores the keyset unless one of that name exists (another replica made it first). */
    public void insertIfAbsent(String name, String encryptedKeyset) {
        h.createUpdate("insert into server_keys (name, keyset) values (:name, :keyset) on conflict (name) do nothing")
                .bind("name", name).bind("keyset", encryptedKeyset).execute();
    }
}
