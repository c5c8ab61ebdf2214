package dev.tenantry.api.model;

/**
 * When a plan's instances are backed up: {@code schedule} is a five-field cron expression in UTC ("0 3 * * *": daily
 * at 03:00); scheduled backups beyond the newest {@code keepCount} or older than {@code keepDays} are deleted (unset: 7
 * of them, kept for ever). Manual backups count towards neither and stay until deleted or purged with the instance.
 */
public record BackupPolicy(String schedule, Integer keepCount, Integer keepDays) {
    public static final int DEFAULT_KEEP_COUNT = 7;
    public static final int MAX_KEEP_COUNT = 1000;

    public int keepCountOrDefault() {
        return keepCount == null ? DEFAULT_KEEP_COUNT : keepCount;
    }
}
