package dev.tenantry.api.model;

import java.time.Instant;
import java.util.List;

/**
 * A secret as the API shows it: that it is set, its current version, who set it and when, and the versions before
 * (retired, their values erased). Never the value.
 */
public record SecretInfo(String scope, String name, int version, Instant updated, String updatedBy, List<SecretVersion> history) {
    /** One version of a secret: when and by whom it was set, and when it was replaced (null: the current one). */
    public record SecretVersion(int version, Instant created, String createdBy, Instant retired) {}
}
