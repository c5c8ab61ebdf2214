package dev.tenantry.api.blueprint;

/**
 * A secret the blueprint uses, set by the vendor for the whole service or for one tenant (the tenant's value wins), and
 * given to a replica as {@code {{secrets.NAME}}} in an environment variable or as a file at {@code {{secretFiles.NAME}}}.
 */
public record SecretDeclaration(String name, String description) {}
