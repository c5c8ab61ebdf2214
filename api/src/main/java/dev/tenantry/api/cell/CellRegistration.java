package dev.tenantry.api.cell;

/**
 * What an agent tells the server about its cell when it starts: where it is, how many instances it
 * takes, and how its gateway's instance URLs look ({@code endpointTemplate} contains {@code {host}}).
 */
public record CellRegistration(String region, String driver, int capacity, String baseDomain, String endpointTemplate) {}
