package dev.tlsfront.failures;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

    @Test
    void failuresAreSaidInPlainWordsWithoutClassNamesOrSystemCalls() {
        assertThat(FailureText.describe(new ConnectException(
                "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:51002")))
                .isEqualTo("connection refused");
        assertThat(FailureText.describe(new ConnectTimeoutException("connection timed out after 2000 ms: /10.0.0.9:8000")))
                .isEqualTo("timed out after 2 s");
        assertThat(FailureText.describe(new HttpConnectTimeoutException("HTTP connect timed out"))).isEqualTo("timed out");
        assertThat(FailureText.describe(new IOException("wrapped", new UnknownHostException("app.internal"))))
                .isEqualTo("unknown host app.internal");
        assertThat(FailureText.describe(new SSLHandshakeException("PKIX path building failed: sun.security...")))
                .isEqualTo("TLS handshake failed: certificate not trusted");
        assertThat(FailureText.describe(new IOException("readAddress(..) failed: Connection reset by peer")))
                .isEqualTo("connection reset by peer");
        assertThat(FailureText.describe(new IOException())).isEqualTo("failed without a reason");
    }
}
