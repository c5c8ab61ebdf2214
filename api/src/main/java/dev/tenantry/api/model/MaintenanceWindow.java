package dev.tenantry.api.model;

import dev.tenantry.api.validation.Errors;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * When a tenant's instances may be upgraded by a rollout: from {@code start} (HH:mm, UTC) for {@code durationMinutes},
 * on the given {@code days} (empty: every day). A window that starts on one day may run into the next.
 */
public record MaintenanceWindow(List<DayOfWeek> days, String start, int durationMinutes) {
    public static final int MIN_MINUTES = 15;
    public static final int MAX_MINUTES = 24 * 60;

    public MaintenanceWindow {
        days = days == null ? List.of() : List.copyOf(days);
    }

    public static void check(Errors errors, String field, MaintenanceWindow w) {
        if (w == null) return;
        if (w.start() == null || !w.start().matches("[0-2][0-9]:[0-5][0-9]") || parse(w.start()) == null) {
            errors.add(field + ".start", "must be a time of day as HH:mm (UTC)");
        }
        if (w.durationMinutes() < MIN_MINUTES || w.durationMinutes() > MAX_MINUTES) {
            errors.add(field + ".durationMinutes", "must be between " + MIN_MINUTES + " and " + MAX_MINUTES);
        }
    }

    /** Whether the window is open at {@code time}: it opened on an allowed day, at most its duration ago. */
    public boolean isOpen(Instant time) {
        ZonedDateTime now = time.atZone(ZoneOffset.UTC);
        for (int daysBack = 0; daysBack <= 1; daysBack++) {
            ZonedDateTime opened = opening(now.toLocalDate().minusDays(daysBack).atStartOfDay(ZoneOffset.UTC));
            if (allowed(opened) && !now.isBefore(opened) && now.isBefore(opened.plusMinutes(durationMinutes))) return true;
        }
        return false;
    }

    /** The next time the window opens at or after {@code time} (within a week). */
    public Instant nextOpening(Instant time) {
        ZonedDateTime now = time.atZone(ZoneOffset.UTC);
        for (int daysAhead = 0; daysAhead <= 7; daysAhead++) {
            ZonedDateTime opening = opening(now.toLocalDate().plusDays(daysAhead).atStartOfDay(ZoneOffset.UTC));
            if (allowed(opening) && !opening.isBefore(now)) return opening.toInstant();
        }
        return time.plus(Duration.ofDays(7));
    }

    private ZonedDateTime opening(ZonedDateTime midnight) {
        LocalTime at = parse(start);
        return midnight.plusHours(at.getHour()).plusMinutes(at.getMinute());
    }

    private boolean allowed(ZonedDateTime opening) {
        return days.isEmpty() || days.contains(opening.getDayOfWeek());
    }

    private static LocalTime parse(String hhmm) {
        try {
            return LocalTime.parse(hhmm);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
