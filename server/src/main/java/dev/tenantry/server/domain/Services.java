package dev.tenantry.server.domain;

/** The domain services the HTTP layer calls. */
public record Services(CatalogService catalog, TenantService tenants, InstanceService instances, CellService cells,
                       TokenService tokens, AuditService audit, EventService events, RolloutService rollouts,
                       Health health, SecretService secrets, CertificateService certificates, AgentIdentityService agents,
                       CustomDomainService domains, DatabaseService databases, BackupService backups,
                       LogRelay logs, AlertService alerts, WebhookService webhooks,
                       UsageService usage, IdempotentRequests idempotentRequests) {}
