package dev.tenantry.server.domain;

import dev.tenantry.server.store.Store;

/** Whether this server can serve: its database answers a trivial query within the pool's connection timeout. */
public final class Health {
    private final Store store;

    public Health(Store store) {
        this.store = store;
    }

    public boolean databaseAnswers() {
        return store.answers();
    }
}
