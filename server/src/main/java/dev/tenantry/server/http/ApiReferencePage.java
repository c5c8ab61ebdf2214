package dev.tenantry.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The API reference at {@code /docs}: Swagger UI (from its webjar, served here, nothing fetched from elsewhere) rendering
 * {@code /v1/openapi.json}. "Authorize" takes an API token for "Try it out".
 */
final class ApiReferencePage {
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui.css", "text/css; charset=utf-8");
    private static final String VERSION = swaggerUiVersion();
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Tenantry API reference</title>
              <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
            </head>
            <body>
              <div id="reference"></div>
              <script src="/docs/assets/swagger-ui-bundle.js"></script>
              <script>
                window.onload = () => SwaggerUIBundle({url: "/v1/openapi.json", dom_id: "#reference", deepLinking: true,
                    persistAuthorization: false, tryItOutEnabled: false});
              </script>
            </body>
            </html>
            """;

    private ApiReferencePage() {}

    static void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(PAGE);
    }

    static void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file);
        if (type == null) throw new dev.tenantry.server.domain.NotFoundException("file", "no asset '" + file + "'");
        InputStream in = ApiReferencePage.class.getResourceAsStream("/META-INF/resources/webjars/swagger-ui/" + VERSION + "/" + file);
        if (in == null) throw new IllegalStateException("the Swagger UI webjar has no " + file);
        ctx.header("Cache-Control", "public, max-age=86400").contentType(type).result(in);
    }

    private static String swaggerUiVersion() {
        try (InputStream in = ApiReferencePage.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) throw new IllegalStateException("the Swagger UI webjar is missing from the class path");
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
