package dev.tenantry.api.model;

/**
 * A PostgreSQL server to hold tenant data: where it is ({@code host}, {@code port}), which region's (or, narrower, which
 * cell's) instances it serves, the admin account the control plane manages it with (the password is stored encrypted and
 * never shown), and how many tenant databases it takes ({@code capacity}, null: {@link DatabaseServer#DEFAULT_CAPACITY}).
 */
public record DatabaseServerCreate(String name, String region, String cell, String host, Integer port, String adminUser, String adminPassword,
                                   Integer capacity) {
    @Override
    public String toString() {
        return "DatabaseServerCreate[name=" + name + ", region=" + region + ", cell=" + cell + ", host=" + host + ", port=" + port
                + ", adminUser=" + adminUser + ", capacity=" + capacity + "]";
    }
}
