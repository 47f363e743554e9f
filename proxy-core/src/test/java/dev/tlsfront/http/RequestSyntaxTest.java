package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestSyntaxTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "0|0",
        "1a|26",
        "FFFF|65535",
        "5;name|5",
        "5;name=value|5",
        "5 ; name = value|5",
        "5;a=\"quoted; with = and spaces\"|5",
        "5;a=\"escaped \\\" quote\";b;c=d|5",
        "5;a=\"\"|5",
        "'5\t;\tname'|5",
        "|-1",
        "-5|-1",
        "0x5|-1",
        "5;|-1",
        "5;=v|-1",
        "5;a=|-1",
        "5;a=\"open|-1",
        "5;a=\"x\"y|-1",
        "5 6|-1",
        "5;a b|-1",
        "1234567890123456|-1",
    })
    void chunkSizeLinesFollowTheGrammarAndTheirExtensionsAreIgnored(String line, long size) {
        assertThat(RequestSyntax.chunkSize(line == null ? "" : line)).isEqualTo(size);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', nullValues = "ok", value = {
        "GET / HTTP/1.1|ok",
        "GET / HTTP/1.0|ok",
        "GET / HTTP/1.2|ok",
        "GET / HTTP/1.9|ok",
        "GET / HTTP/2.0|505",
        "GET / HTTP/3.0|505",
        "GET / HTTP/1.10|400",
        "GET / HTTP/1|400",
        "GET / http/1.1|400",
        "GET  / HTTP/1.1|400",
        "GE(T / HTTP/1.1|400",
        "UPDATEREDIRECTREF / HTTP/1.1|ok",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA / HTTP/1.1|ok",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA / HTTP/1.1|501",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|501",
    })
    void requestLinesGetTheirStatus(String line, Integer status) {
        var verdict = RequestSyntax.checkRequestLine(line);
        assertThat(verdict == null ? null : verdict.status().code()).isEqualTo(status);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|414",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|501",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA /|501",
    })
    void anOverlongLineIsAboutTheTargetUnlessTheMethodIsWhatIsLong(String partial, int status) {
        assertThat(RequestSyntax.overlongRequestLine(partial).status().code()).isEqualTo(status);
    }
}
