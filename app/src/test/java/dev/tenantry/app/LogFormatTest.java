package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.api.Json;
import dev.tenantry.server.logging.LogContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

class LogFormatTest {
    @Test
    void jsonLinesCarryTheTenantAndInstanceTheyAreAbout() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        @SuppressWarnings("unchecked")
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
        Encoder<ILoggingEvent> text = console.getEncoder();
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogFormat format = new LogFormat();
            new CommandLine(format).parseArgs("--log-format", "json");
            format.apply();
            Logger log = LoggerFactory.getLogger("dev.tenantry.test");
            try (LogContext ignored = LogContext.of("acme", "web")) {
                log.info("starting {}", "web-0");
            }
            log.info("about no tenant");
        } finally {
            console.stop();
            console.setEncoder(text);
            console.start();
            System.setOut(out);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(lines[0]);
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("loggerName").asText()).isEqualTo("dev.tenantry.test");
        assertThat(first.path("formattedMessage").asText()).isEqualTo("starting web-0");
        assertThat(first.path("mdc").path("tenant").asText()).isEqualTo("acme");
        assertThat(first.path("mdc").path("instance").asText()).isEqualTo("web");
        JsonNode second = Json.MAPPER.readTree(lines[1]);
        assertThat(second.path("mdc").path("tenant").isMissingNode() || second.path("mdc").isEmpty()).as("cleared after its work").isTrue();
    }

    @Test
    void textIsTheDefault() {
        LogFormat format = new LogFormat();
        new CommandLine(format).parseArgs();
        assertThat(format.format).isEqualTo(LogFormat.Format.text);
    }
}
