package dev.tenantry.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.Map;
import java.util.TreeMap;

/** Registers routes, each with the access policy it declares; a route cannot be registered without one. */
final class Routes {
    private final RoutesConfig routes;
    private final Map<String, Access> declared = new TreeMap<>();

    Routes(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, Access access, Handler handler) {
        routes.get(path, handler, declare("GET", path, access));
    }

    void post(String path, Access access, Handler handler) {
        routes.post(path, handler, declare("POST", path, access));
    }

    void put(String path, Access access, Handler handler) {
        routes.put(path, handler, declare("PUT", path, access));
    }

    void patch(String path, Access access, Handler handler) {
        routes.patch(path, handler, declare("PATCH", path, access));
    }

    void delete(String path, Access access, Handler handler) {
        routes.delete(path, handler, declare("DELETE", path, access));
    }

    /** Every route as "METHOD path" with its policy. */
    Map<String, Access> declared() {
        return declared;
    }

    private Access declare(String method, String path, Access access) {
        if (access == null) throw new IllegalArgumentException(method + " " + path + " declares no access policy");
        if (declared.putIfAbsent(method + " " + path, access) != null) throw new IllegalArgumentException(method + " " + path + " is registered twice");
        return access;
    }
}
