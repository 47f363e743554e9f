package dev.tlsfront.observe;

import dev.tlsfront.config.AccessLogConfig;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per exchange to the logger {@value #LOGGER} (the command line sends it to
 * standard output or {@code access_log.path}, through a queue, so no event loop waits on a disk).
 *
 * <p>combined: {@code client - - [time] "request" status bytes "referer" "user-agent"} as Apache and
 * nginx write it, then {@code rt=} request seconds, {@code bt=} backend seconds (to the response
 * head; {@code -} without one), {@code tls=}, {@code cipher=}, {@code rid=} (the request ID) and {@code up=} (the app server that answered). Quoted fields escape {@code "},
 * {@code \} and bytes outside printable ASCII as {@code \xHH}, as nginx does.
 *
 * <p>json: the same fields as key-value pairs of the logging event, which the JSON encoder writes
 * as one object per line; fields that combined shows as {@code -} are left out.
 */
public final class AccessLog {

    public static final String LOGGER = "tlsfront.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    /** The formatted current second, per event-loop thread: one format call per second, not per line. */
    private static final FastThreadLocal<FormattedSecond> SECOND = new FastThreadLocal<>() {
        @Override
        protected FormattedSecond initialValue() {
            return new FormattedSecond();
        }
    };

    private static final class FormattedSecond {
        long second = -1;
        String text;
    }

    private final AccessLogConfig.Format format;

    public AccessLog(AccessLogConfig.Format format) {
        this.format = format;
    }

    boolean enabled() {
        return format != AccessLogConfig.Format.OFF;
    }

    void record(CompletedExchange e) {
        if (format == AccessLogConfig.Format.OFF || !log.isInfoEnabled()) {
            return;
        }
        if (format == AccessLogConfig.Format.JSON) {
            log.atInfo()
                    .addKeyValue("client", e.client())
                    .addKeyValue("method", absentIfDash(e.method()))
                    .addKeyValue("target", absentIfDash(e.target()))
                    .addKeyValue("protocol", absentIfDash(e.protocol()))
                    .addKeyValue("host", absentIfDash(e.host()))
                    .addKeyValue("status", e.status())
                    .addKeyValue("bytes_sent", e.bytesSent())
                    .addKeyValue("referer", absentIfDash(e.referer()))
                    .addKeyValue("user_agent", absentIfDash(e.userAgent()))
                    .addKeyValue("request_time", seconds(e.requestNanos()))
                    .addKeyValue("backend_time", e.backendNanos() < 0 ? null : seconds(e.backendNanos()))
                    .addKeyValue("tls_protocol", absentIfDash(e.tlsProtocol()))
                    .addKeyValue("tls_cipher", absentIfDash(e.tlsCipher()))
                    .addKeyValue("request_id", absentIfDash(e.requestId()))
                    .addKeyValue("upstream", absentIfDash(e.upstream()))
                    .log("access");
        } else {
            log.info(combined(e));
        }
    }

    static String combined(CompletedExchange e) {
        StringBuilder line = new StringBuilder(160 + e.target().length());
        line.append(e.client()).append(" - - [").append(clfTime(e.endMillis())).append("] \"");
        if (e.method().equals("-")) {
            line.append('-');
        } else {
            escape(line, e.method()).append(' ');
            escape(line, e.target()).append(' ');
            escape(line, e.protocol());
        }
        line.append("\" ").append(e.status()).append(' ').append(e.bytesSent()).append(" \"");
        escape(line, e.referer()).append("\" \"");
        escape(line, e.userAgent()).append("\" rt=");
        appendSeconds(line, e.requestNanos()).append(" bt=");
        if (e.backendNanos() < 0) {
            line.append('-');
        } else {
            appendSeconds(line, e.backendNanos());
        }
        return line.append(" tls=").append(e.tlsProtocol()).append(" cipher=").append(e.tlsCipher())
                .append(" rid=").append(e.requestId()).append(" up=").append(e.upstream()).toString();
    }

    private static String clfTime(long millis) {
        FormattedSecond cache = SECOND.get();
        long second = millis / 1000;
        if (second != cache.second) {
            cache.second = second;
            cache.text = CLF_TIME.format(Instant.ofEpochMilli(millis));
        }
        return cache.text;
    }

    /** Milliseconds resolution, as nginx's $request_time: {@code 0.003}. */
    private static StringBuilder appendSeconds(StringBuilder line, long nanos) {
        long millis = nanos / 1_000_000;
        line.append(millis / 1000).append('.');
        long fraction = millis % 1000;
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        return line.append(fraction);
    }

    /** JSON leaves a missing field out (a null value is not written) rather than writing "-". */
    private static String absentIfDash(String value) {
        return value.equals("-") ? null : value;
    }

    private static double seconds(long nanos) {
        return nanos / 1_000_000 / 1000.0;
    }

    private static StringBuilder escape(StringBuilder line, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
                line.append("\\x").append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                line.append(c);
            }
        }
        return line;
    }
}
