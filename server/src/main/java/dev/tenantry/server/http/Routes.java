package dev.tenantry.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/** Registers routes with the access level each needs. */
final class Routes {
    private final RoutesConfig routes;

    Routes(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, Access access, Handler handler) {
        routes.get(path, handler, access);
    }

    void post(String path, Access access, Handler handler) {
        routes.post(path, handler, access);
    }

    void put(String path, Access access, Handler handler) {
        routes.put(path, handler, access);
    }

    void patch(String path, Access access, Handler handler) {
        routes.patch(path, handler, access);
    }

    void delete(String path, Access access, Handler handler) {
        routes.delete(path, handler, access);
    }
}
