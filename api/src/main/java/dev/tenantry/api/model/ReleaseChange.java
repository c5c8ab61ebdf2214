package dev.tenantry.api.model;

import java.time.Instant;

/**
 * One move of an instance to a release: at its creation ({@code fromRelease} null), by an upgrade or by a rollback; the
 * operation that carried it out, its state and when it ended (null while it runs), and who asked for it.
 */
public record ReleaseChange(String release, String fromRelease, String type, String operation, Operation.State state, String actor,
                            Instant at, Instant endedAt) {}
