package dev.tenantry.server.domain;

import dev.tenantry.api.model.AuditEntry;
import dev.tenantry.api.model.Page;
import dev.tenantry.server.store.Store;
import java.util.List;

/** The audit trail: every mutating API call and every system action. */
public final class AuditService {
    private final Store store;

    public AuditService(Store store) {
        this.store = store;
    }

    public void record(Principal who, String action, String target, String tenant, String result, String detail) {
        store.run(tx -> tx.audit().record(who.actor(), action, target, tenant, result, detail));
    }

    public Page<AuditEntry> list(Principal who, String tenant, String cursor, int limit) {
        String scope = who.tenant() != null ? who.tenant() : tenant;
        if (tenant != null && !who.canSeeTenant(tenant)) return new Page<>(List.of(), null);
        long before = cursor == null ? 0 : Long.parseLong(cursor);
        List<AuditEntry> rows = store.tx(tx -> tx.audit().list(scope, before, limit + 1));
        return Pages.of(rows, limit, e -> String.valueOf(e.id()));
    }
}
