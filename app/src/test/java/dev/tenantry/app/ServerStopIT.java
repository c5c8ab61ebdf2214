package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A server stopped while a client follows its event stream stops cleanly. Found in the suite: the request, recycled by
 * Jetty under the stream, made the metrics after-handler throw, and Javalin ran its after-handlers again, without end
 * (hundreds of thousands of log lines a second, in every later test of the same JVM).
 */
class ServerStopIT {
    @Test
    void aServerStoppedUnderAnOpenEventStreamLogsNoErrorLoop() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger javalin = (Logger) LoggerFactory.getLogger("io.javalin");
        javalin.addAppender(logs);
        try {
            TestPlane plane = TestPlane.start();
            List<com.fasterxml.jackson.databind.JsonNode> events = new CopyOnWriteArrayList<>();
            plane.createTenant("acme");
            plane.createInstance("acme", "web", "hello", "starter");
            plane.followEvents("/v1/events?since=1m", events); // replays them: no race with the stream's start
            org.awaitility.Awaitility.await().until(() -> events.stream().anyMatch(e -> e.path("type").asText().equals("instance.created")));
            plane.close();
            Thread.sleep(3000);
            assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().contains("Uncaught exception")
                    || e.getFormattedMessage().contains("threw an error")).count()).as("Javalin's errors after the stop").isZero();
        } finally {
            javalin.detachAppender(logs);
        }
    }
}
