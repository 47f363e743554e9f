package dev.tlsfront.failures;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * A failure to reach something (the app, the CA, an admin listener) in the words an operator uses:
 * "connection refused", "timed out after 2 s", "TLS handshake failed: ...", never a Java or Netty
 * class name nor a system call.
 */
public final class FailureText {

    /** Netty's native transport: {@code finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1}. */
    private static final Pattern NATIVE_CALL = Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");
    private static final Pattern TIMEOUT_MILLIS = Pattern.compile("timed out after (\\d+) ?ms");

    private FailureText() {}

    public static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getName();
            if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException
                    || cause instanceof SocketTimeoutException || name.equals("io.netty.channel.ConnectTimeoutException")) {
                return timedOut(cause.getMessage());
            }
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
            if (cause instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (cause instanceof UnknownHostException unknown) {
                return "unknown host " + unknown.getMessage();
            }
            if (cause instanceof SSLException tls) {
                return "TLS handshake failed: " + (tls.getMessage() == null ? "no detail" : tls.getMessage()
                        .replaceFirst("^PKIX path building failed: .*", "certificate not trusted"));
            }
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return "failed without a reason";
        }
        message = NATIVE_CALL.matcher(message).replaceFirst("");
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    private static String timedOut(String message) {
        Matcher millis = message == null ? null : TIMEOUT_MILLIS.matcher(message);
        if (millis != null && millis.find()) {
            long ms = Long.parseLong(millis.group(1));
            return "timed out after " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms");
        }
        return "timed out";
    }
}
