package dev.tenantry.api.validation;

/** One problem with one field of a request, named by its JSON path (e.g. {@code components[0].health.port}). */
public record FieldError(String field, String message) {}
