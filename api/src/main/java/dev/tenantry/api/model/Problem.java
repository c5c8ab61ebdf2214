package dev.tenantry.api.model;

import dev.tenantry.api.validation.FieldError;
import java.util.List;

/** RFC 9457 problem details, as every error response carries them. */
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {}
