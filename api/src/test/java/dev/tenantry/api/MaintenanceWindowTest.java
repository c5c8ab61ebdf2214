package dev.tenantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.model.MaintenanceWindow;
import dev.tenantry.api.validation.Errors;
import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Maintenance windows at fixed times: no waiting for the clock. */
class MaintenanceWindowTest {
    // 2026-11-22 is a Sunday
    private final MaintenanceWindow sundayNights = new MaintenanceWindow(List.of(DayOfWeek.SUNDAY), "23:00", 120);

    @Test
    void isOpenFromItsStartForItsDurationOnItsDaysEvenPastMidnight() {
        assertThat(sundayNights.isOpen(Instant.parse("2026-11-22T22:59:59Z"))).isFalse();
        assertThat(sundayNights.isOpen(Instant.parse("2026-11-22T23:00:00Z"))).isTrue();
        assertThat(sundayNights.isOpen(Instant.parse("2026-11-23T00:59:00Z"))).as("Monday 00:59, still Sunday's window").isTrue();
        assertThat(sundayNights.isOpen(Instant.parse("2026-11-23T01:00:00Z"))).isFalse();
        assertThat(sundayNights.isOpen(Instant.parse("2026-11-23T23:30:00Z"))).as("Monday night").isFalse();
        MaintenanceWindow daily = new MaintenanceWindow(null, "02:00", 60);
        assertThat(daily.isOpen(Instant.parse("2026-11-25T02:30:00Z"))).isTrue();
    }

    @Test
    void nextOpeningIsTheNextStartOnAnAllowedDay() {
        assertThat(sundayNights.nextOpening(Instant.parse("2026-11-23T10:00:00Z"))).isEqualTo(Instant.parse("2026-11-29T23:00:00Z"));
        assertThat(sundayNights.nextOpening(Instant.parse("2026-11-22T10:00:00Z"))).isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
    }

    @Test
    void badWindowsNameTheirField() {
        Errors errors = new Errors();
        MaintenanceWindow.check(errors, "maintenanceWindow", new MaintenanceWindow(null, "25:00", 5));
        assertThat(errors.isEmpty()).isFalse();
        try {
            errors.throwIfAny();
        } catch (dev.tenantry.api.validation.ValidationException e) {
            assertThat(e.errors()).extracting(dev.tenantry.api.validation.FieldError::field)
                    .containsExactly("maintenanceWindow.start", "maintenanceWindow.durationMinutes");
        }
    }
}
