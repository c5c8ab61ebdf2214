package dev.tenantry.api.cell;

import java.util.List;

/**
 * Gateway route: requests for {@code host} go to one of {@code backends} ("127.0.0.1:port"); none means 503, unless
 * the instance is {@code hibernated}: then the gateway holds the request, asks the agent to wake it, and forwards
 * it once a backend is there. {@code release} is what the backends run (the gateway counts requests by it). A
 * {@code stopped} instance answers 503 without {@code Retry-After}: it will not come back by itself.
 */
public record Route(String host, String instanceUid, List<String> backends, boolean hibernated, String release, boolean stopped,
                    boolean httpsOnly) {
    /** The file in an agent's work directory that holds its cell's routes, for a gateway in its own process. */
    public static final String FILE = "routes.json";
    /** The directory beside it where a gateway in its own process asks the agent to wake an instance: an empty file named by its uid. */
    public static final String WAKE_DIR = "wake";
    /** The file beside it where a gateway in its own process tells the agent when each instance last got a request (uid → epoch millis). */
    public static final String TRAFFIC_FILE = "traffic.json";

    public Route {
        backends = backends == null ? List.of() : List.copyOf(backends);
    }

    public Route(String host, String instanceUid, List<String> backends, boolean hibernated, String release, boolean stopped) {
        this(host, instanceUid, backends, hibernated, release, stopped, false);
    }

    public Route(String host, String instanceUid, List<String> backends, boolean hibernated, String release) {
        this(host, instanceUid, backends, hibernated, release, false);
    }
}
