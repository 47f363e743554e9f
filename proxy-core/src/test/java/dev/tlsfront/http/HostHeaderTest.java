package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostHeaderTest {

    @ParameterizedTest
    @CsvSource({"example.com,example.com,-1", "Example.COM:8443,example.com,8443", "[::1]:443,::1,443",
        "[2001:db8::1],2001:db8::1,-1", "127.0.0.1:80,127.0.0.1,80", "example.com.,example.com,-1", "a:,a,-1"})
    void validHosts(String value, String host, int port) {
        assertThat(HostHeader.parse(value)).isEqualTo(new HostHeader(host, port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a,b", "user@host", "[::1", "::1", "host:65536", "host:-1", "ho\u0000st",
        "exa\tmple.com", "[example.com]", "host:80:80"})
    void invalidHosts(String value) {
        assertThat(HostHeader.parse(value)).isNull();
    }
}
