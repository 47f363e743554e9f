package dev.tlsfront.acme;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLException;

/** A failure to reach the CA in the words an operator uses, never a Java class name. */
final class FailureText {

    private FailureText() {}

    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
                return "timed out";
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
                        .replaceFirst("^PKIX path building failed: .*", "certificate not trusted (set https.acme.directory_trust"
                                + " for a private CA)"));
            }
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? "failed without a reason" : message;
    }
}
