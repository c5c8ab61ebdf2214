package dev.tenantry.server.domain;

/** A request that would put a tenant over its quota; {@code field} names the quota ({@code quota.instances}, …). */
public final class QuotaExceededException extends RuntimeException {
    private final String field;

    public QuotaExceededException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
