package dev.tenantry.api.blueprint;

/**
 * How an instance moves to this release from another (an upgrade or a rollback): blue-green. Every replica of the
 * new release starts beside the old ones; once all are healthy the gateway's route flips to them at once. The old
 * replicas of the ingress component then stay running, out of the routes, for {@code keepWarmSeconds} (default 60;
 * 0 stops them after the drain delay): a rollback within that time flips the route back to them without a start.
 */
public record Upgrade(Integer keepWarmSeconds) {
    public static final int DEFAULT_KEEP_WARM_SECONDS = 60;
    public static final int MAX_KEEP_WARM_SECONDS = 86_400;
    public static final Upgrade DEFAULT = new Upgrade(null);

    public int keepWarmOrDefault() {
        return keepWarmSeconds == null ? DEFAULT_KEEP_WARM_SECONDS : keepWarmSeconds;
    }
}
