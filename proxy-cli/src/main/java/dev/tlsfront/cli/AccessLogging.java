package dev.tlsfront.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.tlsfront.config.AccessLogConfig;
import dev.tlsfront.observe.AccessLog;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.LoggerFactory;

/**
 * Points the access logger at standard output or {@code access_log.path}, as a combined-format
 * line or a JSON object per request, through a queue so that event loops never wait on a write.
 * Applied at start and again on reload (which also reopens the file after log rotation).
 */
final class AccessLogging {

    /** Lines queued for the writer thread; when full, event loops wait rather than lose lines. */
    static final int QUEUE = 8192;

    private AccessLogging() {}

    static void apply(AccessLogConfig config) {
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
        OutputStreamAppender<ILoggingEvent> sink;
        if (config.path().isPresent()) {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(config.path().get().toString());
            file.setAppend(true);
            sink = file;
        } else {
            sink = new ConsoleAppender<>();
        }
        sink.setContext(context);
        sink.setName("access-sink");
        sink.setEncoder(encoder);
        sink.setImmediateFlush(true);
        sink.start();

        AsyncAppender queue = new AsyncAppender();
        queue.setContext(context);
        queue.setName("access");
        queue.setQueueSize(QUEUE);
        queue.setDiscardingThreshold(0);  // never drop INFO lines (the default drops them at 80% full)
        queue.setNeverBlock(false);
        queue.setMaxFlushTime(AsyncAppenderBase.DEFAULT_MAX_FLUSH_TIME);
        queue.addAppender(sink);
        queue.start();
        logger.addAppender(queue);
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
