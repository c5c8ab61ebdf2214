package dev.tenantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class ErrorMappingTest {
    /** A context answering method() and path() as given, or throwing as a context does once Jetty recycled its exchange. */
    private static Context context(String path, RuntimeException thrown) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
            if (thrown != null) throw thrown;
            return switch (method.getName()) {
                case "method" -> HandlerType.GET;
                case "path" -> path;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        });
    }

    @Test
    void aRequestIsNamedByItsMethodAndPath() {
        assertThat(ErrorMapping.requestLine(context("/v1/tenants", null))).isEqualTo("GET /v1/tenants");
    }

    @Test
    void aRecycledExchangeHasNoRequestLineInsteadOfThrowingAgain() {
        // what Jetty throws when asked for a recycled request's URI
        assertThat(ErrorMapping.requestLine(context("/v1/events", new NullPointerException(
                "Cannot invoke \"org.eclipse.jetty.server.Request.getHttpURI()\" because the return value of \"ServletApiRequest.getRequest()\" is null"))))
                .isNull();
        assertThat(ErrorMapping.requestLine(context("/v1/events", new IllegalStateException("s=IDLE (likely recycled)")))).isNull();
    }
}
