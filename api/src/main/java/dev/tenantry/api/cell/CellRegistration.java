package dev.tenantry.api.cell;

/**
 * What an agent tells the server about its cell when it starts: where it is, how many instances it
 * takes, and how its gateway's instance URLs look ({@code endpointTemplate} contains {@code {host}}).
 * {@code databaseAddress}: the address of its host at which the control plane reaches the dedicated database
 * servers it runs (null: they listen on the host's loopback only).
 */
public record CellRegistration(String region, String driver, int capacity, String baseDomain, String endpointTemplate,
                               String databaseAddress) {
    public CellRegistration(String region, String driver, int capacity, String baseDomain, String endpointTemplate) {
        this(region, driver, capacity, baseDomain, endpointTemplate, null);
    }
}
