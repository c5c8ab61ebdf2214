package dev.tenantry.server.domain;

import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Release;
import dev.tenantry.server.store.Tx;
import java.util.List;

/** Messages for a name the catalog does not have, naming the ones it has, so that a typo is fixed at once. */
final class CatalogNames {
    /** How many names a message lists at most. */
    private static final int LISTED = 20;

    private CatalogNames() {}

    static String noPlan(Tx tx, String service, String plan) {
        List<String> plans = tx.catalog().plans(service).stream().map(Plan::name).toList();
        return "service '" + service + "' has no plan '" + plan + "'" + listed("its plans", plans);
    }

    static String noRelease(Tx tx, String service, String release) {
        List<String> releases = tx.catalog().releases(service).stream().map(Release::version).toList();
        return "service '" + service + "' has no release '" + release + "'" + listed("its releases", releases);
    }

    private static String listed(String what, List<String> names) {
        if (names.isEmpty()) return " (it has none yet)";
        String shown = String.join(", ", names.subList(0, Math.min(LISTED, names.size())));
        return " (" + what + ": " + shown + (names.size() > LISTED ? ", …" : "") + ")";
    }
}
