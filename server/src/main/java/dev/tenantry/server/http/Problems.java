package dev.tenantry.server.http;

import dev.tenantry.api.Json;
import dev.tenantry.api.model.Problem;
import dev.tenantry.api.validation.FieldError;
import io.javalin.http.Context;
import java.util.List;

/** RFC 9457 problem documents: every error the API answers, whether from a route, from Javalin or from Jetty. */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final String BASE = "https://tenantry.dev/problems/";

    private Problems() {}

    static void write(Context ctx, int status, String type, String detail, List<FieldError> errors) {
        ctx.status(status).contentType(CONTENT_TYPE).result(json(status, type, detail, ctx.path(), errors));
    }

    static String json(int status, String type, String detail, String instance, List<FieldError> errors) {
        return Json.write(new Problem(BASE + type, titleOf(status), status, detail, instance, errors == null || errors.isEmpty() ? null : errors));
    }

    /** The type of an error that only has a status (from Javalin or Jetty). */
    static String typeFor(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "content-too-large";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            default -> "http-" + status;
        };
    }

    static String titleOf(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
