package dev.tlsfront.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.tlsfront.config.ServerConfig;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggerNameJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.composite.loggingevent.StackTraceJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.LoggerFactory;

/**
 * The server's own log (not the access log) as the config asks: its level ({@code server.log_level})
 * and its form ({@code server.log_format}): text lines, or one JSON object per line ({@code time,
 * level, logger, message}, and {@code stack_trace} when there is one), so that a pipeline that reads
 * the JSON access log gets no mixed lines.
 */
final class ServerLogging {

    private ServerLogging() {}

    static void apply(ServerConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.logLevel(), Level.INFO));
        if (!(root.getAppender("STDOUT") instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;  // -Dlogback.configurationFile: the operator's own file decides
        }
        boolean json = console.getEncoder() instanceof LoggingEventCompositeJsonEncoder;
        if (json == config.logJson()) {
            return;
        }
        console.stop();
        console.setEncoder(config.logJson() ? json(context) : text(context));
        console.start();
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(ConsoleLogging.PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        LoggingEventFormattedTimestampJsonProvider time = new LoggingEventFormattedTimestampJsonProvider();
        time.setFieldName("time");
        encoder.getProviders().addProvider(time);
        LogLevelJsonProvider level = new LogLevelJsonProvider();
        level.setFieldName("level");
        encoder.getProviders().addProvider(level);
        LoggerNameJsonProvider logger = new LoggerNameJsonProvider();
        logger.setFieldName("logger");
        encoder.getProviders().addProvider(logger);
        MessageJsonProvider message = new MessageJsonProvider();
        message.setFieldName("message");
        encoder.getProviders().addProvider(message);
        StackTraceJsonProvider stack = new StackTraceJsonProvider();
        stack.setFieldName("stack_trace");
        encoder.getProviders().addProvider(stack);
        encoder.start();
        return encoder;
    }
}
