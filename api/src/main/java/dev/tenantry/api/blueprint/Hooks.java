package dev.tenantry.api.blueprint;

import java.util.List;

/**
 * Commands a release runs once per instance when the instance moves to it from another release (an upgrade, or a
 * rollback to it): {@code preUpgrade} before its first new replica starts (the old ones still serve; a schema
 * migration, say), {@code postUpgrade} once every replica runs it. Each runs with the instance's environment and
 * data directory, and must exit 0 within {@code timeoutSeconds} (default 300); otherwise the upgrade fails.
 */
public record Hooks(List<String> preUpgrade, List<String> postUpgrade, Integer timeoutSeconds) {
    public Hooks {
        preUpgrade = preUpgrade == null ? List.of() : List.copyOf(preUpgrade);
        postUpgrade = postUpgrade == null ? List.of() : List.copyOf(postUpgrade);
    }

    public static final Hooks NONE = new Hooks(null, null, null);

    public int timeoutOrDefault() {
        return timeoutSeconds == null ? 300 : timeoutSeconds;
    }
}
