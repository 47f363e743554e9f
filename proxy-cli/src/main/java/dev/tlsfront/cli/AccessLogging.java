package dev.tlsfront.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import dev.tlsfront.config.AccessLogConfig;
import dev.tlsfront.observe.AccessLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.LoggerFactory;

/**
 * Points the access logger at standard output or {@code access_log.path}, as a combined-format
 * line or a JSON object per request, through a queue so that event loops never wait on a write
 * ({@link BatchingAppender}).
 * Applied at start and again on reload (which also reopens the file after log rotation).
 */
final class AccessLogging {

    /** Lines queued for the writer thread; when full, event loops wait rather than lose lines. */
    static final int QUEUE = 65536;
    /** How often the writer thread writes what is queued: a line is on disk within this. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);

    private AccessLogging() {}

    /**
     * @throws IOException when {@code access_log.path} cannot be opened for appending; the log
     *     written until then stays as it was
     */
    static void apply(AccessLogConfig config) throws IOException {
        OutputStream out = System.out;
        if (config.enabled() && config.path().isPresent()) {
            try {
                out = new FileOutputStream(config.path().get().toFile(), true);
            } catch (IOException e) {
                throw new IOException("access_log.path: cannot open " + config.path().get() + " for appending: "
                        + e.getMessage(), e);
            }
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger(AccessLog.LOGGER);
        logger.setAdditive(false);
        logger.detachAndStopAllAppenders();
        if (!config.enabled()) {
            logger.setLevel(Level.OFF);
            return;
        }
        logger.setLevel(Level.INFO);  // whatever server.log_level says about the diagnostic log

        Encoder<ILoggingEvent> encoder = config.format() == AccessLogConfig.Format.JSON ? json(context) : line(context);
        BatchingAppender queue = new BatchingAppender(encoder, out, config.path().isPresent(), QUEUE, FLUSH_INTERVAL);
        queue.setContext(context);
        queue.setName("access");
        queue.start();
        logger.addAppender(queue);
    }

    /** Writes out the lines still queued and closes the log: at the end of a drain, nothing more comes. */
    static void close() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(AccessLog.LOGGER).detachAndStopAllAppenders();
    }

    private static Encoder<ILoggingEvent> line(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        return encoder;
    }

    /** {"time":"...","client":...}: the event's time, then the exchange's fields in order. */
    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        LoggingEventFormattedTimestampJsonProvider time = new LoggingEventFormattedTimestampJsonProvider();
        time.setFieldName("time");
        encoder.getProviders().addProvider(time);
        encoder.getProviders().addProvider(new KeyValuePairsJsonProvider());
        encoder.start();
        return encoder;
    }
}
