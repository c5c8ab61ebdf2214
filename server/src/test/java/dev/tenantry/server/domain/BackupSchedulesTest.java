package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.BackupPolicy;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackupSchedulesTest {
    @Test
    void aDailyScheduleFiresOncePerDayAtItsTime() {
        Instant before = Instant.parse("2026-12-02T02:59:00Z");
        assertThat(BackupSchedules.firedBetween("0 3 * * *", before, Instant.parse("2026-12-02T02:59:59Z"))).isFalse();
        assertThat(BackupSchedules.firedBetween("0 3 * * *", before, Instant.parse("2026-12-02T03:00:00Z"))).isTrue();
        Instant justAfter = Instant.parse("2026-12-02T03:00:01Z");
        assertThat(BackupSchedules.firedBetween("0 3 * * *", justAfter, Instant.parse("2026-12-03T02:59:00Z"))).as("not again that day").isFalse();
        assertThat(BackupSchedules.firedBetween("0 3 * * *", justAfter, Instant.parse("2026-12-03T03:00:00Z"))).isTrue();
    }

    @Test
    void badPoliciesNameTheirFields() {
        Errors errors = new Errors();
        BackupSchedules.check(errors, "database.backups", new BackupPolicy("every day", 0, 0));
        BackupSchedules.check(errors, "other", new BackupPolicy("61 * * * *", null, null));
        BackupSchedules.check(errors, "third", new BackupPolicy(null, null, null));
        assertThat(fields(errors)).containsExactly("database.backups.schedule", "database.backups.keepCount", "database.backups.keepDays",
                "other.schedule", "third.schedule");
        Errors fine = new Errors();
        BackupSchedules.check(fine, "ok", new BackupPolicy("*/15 * * * *", 4, 30));
        BackupSchedules.check(fine, "none", null);
        assertThat(fields(fine)).isEmpty();
    }

    private static java.util.List<String> fields(Errors errors) {
        try {
            errors.throwIfAny();
            return java.util.List.of();
        } catch (ValidationException e) {
            return e.errors().stream().map(FieldError::field).toList();
        }
    }
}
