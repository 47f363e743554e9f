package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LookalikeFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"Content_Length", "content_length", "Transfer_Encoding", "TRANSFER_ENCODING",
        "Content_Type", "Keep_Alive", "Proxy_Connection", "Proxy_Authorization"})
    void underscoreSpellingOfAFramingOrConnectionFieldIsRemoved(String name) {
        HttpHeaders headers = new DefaultHttpHeaders().add("Host", "example.com").add(name, "5");

        LookalikeFields.removeFrom(headers);

        assertThat(headers.names()).containsExactly("Host");
    }

    @Test
    void realFieldsAndOtherUnderscoreNamesStay() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Content-Length", "5")
                .add("Transfer-Encoding", "chunked")
                .add("X_Custom_Thing", "1")
                .add("Content_Length_Hint", "2");

        LookalikeFields.removeFrom(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Content-Length", "Transfer-Encoding", "X_Custom_Thing",
                "Content_Length_Hint");
    }
}
