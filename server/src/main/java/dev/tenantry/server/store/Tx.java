package dev.tenantry.server.store;

import org.jdbi.v3.core.Handle;

/** One open transaction and the repositories that work inside it. */
public final class Tx {
    private final Handle handle;
    private final EventRepository events;
    private final AuditRepository audit;

    private final java.time.Duration cellOnlineWindow;
    private final CatalogCache catalog;

    Tx(Handle handle, java.time.Duration cellOnlineWindow, CatalogCache catalog) {
        this.handle = handle;
        this.cellOnlineWindow = cellOnlineWindow;
        this.catalog = catalog;
        AppendLock appendLock = new AppendLock(handle);
        this.events = new EventRepository(handle);
        this.audit = new AuditRepository(handle, appendLock);
    }

    public TenantRepository tenants() { return new TenantRepository(handle); }
    public CatalogRepository catalog() { return new CatalogRepository(handle, catalog); }
    public InstanceRepository instances() { return new InstanceRepository(handle); }
    public OperationRepository operations() { return new OperationRepository(handle); }
    public FleetCounts.Reader fleetCounts() { return new FleetCounts.Reader(handle); }
    public IdempotencyRepository idempotency() { return new IdempotencyRepository(handle); }
    public CellRepository cells() { return new CellRepository(handle, cellOnlineWindow); }
    public LogRequestRepository logRequests() { return new LogRequestRepository(handle); }
    private final java.util.List<Write> atCommit = new java.util.ArrayList<>();

    /** Sends {@code write} just before the commit, with the transaction's other such writes, in one statement ({@link Write}). */
    public void atCommit(Write write) {
        atCommit.add(write);
    }

    /**
     * Writes what waited for the commit: the writes given to {@link #atCommit}, and what the transaction's work
     * appended to the audit chain and the event outbox, in one statement.
     */
    void finish() {
        java.util.List<Write> writes = new java.util.ArrayList<>(atCommit);
        atCommit.clear();
        writes.addAll(audit.pendingWrites());
        writes.addAll(events.pendingWrites());
        Write.executeTogether(handle, writes);
    }

    /** Whether it wrote audit records for a batch to chain once it has committed. */
    boolean wroteAuditRecords() {
        return audit.wrotePending();
    }

    /** The same repository for the whole transaction: its events are written at the transaction's end. */
    public EventRepository events() { return events; }
    /** The same repository for the whole transaction: its records are chained and written at the transaction's end. */
    public AuditRepository audit() { return audit; }
    public AgentIdentityRepository agentIdentities() { return new AgentIdentityRepository(handle); }
    public CustomDomainRepository customDomains() { return new CustomDomainRepository(handle); }
    public CertificateRepository certificates() { return new CertificateRepository(handle); }
    public CertificateAuthorityRepository certificateAuthority() { return new CertificateAuthorityRepository(handle); }
    public SecretRepository secrets() { return new SecretRepository(handle); }
    public ServerKeyRepository serverKeys() { return new ServerKeyRepository(handle); }
    /** Row leases on a table of reconciled objects. */
    public Leases leases(Leases.Table table) { return new Leases(handle, table); }
    public TokenRepository tokens() { return new TokenRepository(handle); }
    public RolloutRepository rollouts() { return new RolloutRepository(handle); }
    public DatabaseServerRepository databaseServers() { return new DatabaseServerRepository(handle); }
    public TenantDatabaseRepository tenantDatabases() { return new TenantDatabaseRepository(handle); }
    public BackupRepository backups() { return new BackupRepository(handle); }
    public ReleaseHistoryRepository releaseHistory() { return new ReleaseHistoryRepository(handle); }
    public AlertRepository alerts() { return new AlertRepository(handle); }
    public WebhookRepository webhooks() { return new WebhookRepository(handle); }
    public UsageRepository usage() { return new UsageRepository(handle); }
}
