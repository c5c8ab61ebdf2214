package dev.tenantry.api.cell;

import java.util.List;

/** Gateway route: requests for {@code host} go to one of {@code backends} ("127.0.0.1:port"); none means 503. */
public record Route(String host, String instanceUid, List<String> backends) {
    public Route {
        backends = backends == null ? List.of() : List.copyOf(backends);
    }
}
