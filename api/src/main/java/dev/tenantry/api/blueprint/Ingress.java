package dev.tenantry.api.blueprint;

/** The component port that receives the instance's traffic through the gateway. */
public record Ingress(String component, String port) {}
