package dev.tenantry.api.cell;

/**
 * Which value of a secret an instance's replicas are given: where it was set ({@code service:hello}, {@code tenant:acme})
 * and its version. Never the value: the agent asks the server for the values when it starts replicas, and keeps them
 * in memory and in the replicas' secret files only.
 */
public record SecretRef(String scope, int version) {}
