package dev.tlsfront.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProblemTextTest {

    @Test
    void saysWhatTheProblemMeansThenWhatTheCaSaidAndEachSubproblem() {
        var doc = new ProblemText.Doc("urn:ietf:params:acme:error:rejectedIdentifier",
                Optional.of("Error creating new order :: Cannot issue for \"a.internal\""), Optional.empty(),
                List.of(new ProblemText.Doc("urn:ietf:params:acme:error:connection", Optional.of("Connection refused"),
                        Optional.of("www.mysite.example"), List.of())));

        assertThat(ProblemText.describe(doc)).isEqualTo("the CA will not issue for this name"
                + " (CA: Error creating new order :: Cannot issue for \"a.internal\"; rejectedIdentifier);"
                + " the CA could not connect to this site to validate it (is the port open to the internet, and does DNS"
                + " point at this machine?) for www.mysite.example (CA: Connection refused; connection)");
    }

    @Test
    void anUnknownTypeIsNamedAsItIs() {
        assertThat(ProblemText.describe(new ProblemText.Doc("https://ca.example/problems/odd", Optional.empty(),
                Optional.empty(), List.of()))).isEqualTo("the CA refused (CA: no detail; https://ca.example/problems/odd)");
    }
}
