package dev.tenantry.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --log-format text|json} of the processes (up, server, agent, gateway): JSON writes one object per line
 * (timestamp, level, thread, logger, message, throwable) with the MDC's fields, {@code tenant} and {@code instance}
 * where a line is about one ({@link dev.tenantry.server.logging.LogContext}).
 */
final class LogFormat {
    enum Format { text, json }

    @Option(names = "--log-format", defaultValue = "${env:TENANTRY_LOG_FORMAT:-text}",
            description = "text (default) or json: one JSON object per line, with tenant and instance fields where they apply (env TENANTRY_LOG_FORMAT)")
    Format format;

    /** Switches the console's encoder to JSON when asked to; text is logback.xml's own. */
    void apply() {
        if (format != Format.json) return;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("console") instanceof ConsoleAppender<ILoggingEvent> console)) {
            throw new IllegalStateException("no console appender to write JSON with (logback.xml was replaced?)");
        }
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
    }
}
