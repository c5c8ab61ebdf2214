package dev.tenantry.server.store;

import org.jdbi.v3.core.Handle;

/** One open transaction and the repositories that work inside it. */
public final class Tx {
    private final Handle handle;

    Tx(Handle handle) {
        this.handle = handle;
    }

    public TenantRepository tenants() { return new TenantRepository(handle); }
    public CatalogRepository catalog() { return new CatalogRepository(handle); }
    public InstanceRepository instances() { return new InstanceRepository(handle); }
    public OperationRepository operations() { return new OperationRepository(handle); }
    public IdempotencyRepository idempotency() { return new IdempotencyRepository(handle); }
    public CellRepository cells() { return new CellRepository(handle); }
    public EventRepository events() { return new EventRepository(handle); }
    public AuditRepository audit() { return new AuditRepository(handle); }
    public TokenRepository tokens() { return new TokenRepository(handle); }
    public RolloutRepository rollouts() { return new RolloutRepository(handle); }
    public ReleaseHistoryRepository releaseHistory() { return new ReleaseHistoryRepository(handle); }
}
