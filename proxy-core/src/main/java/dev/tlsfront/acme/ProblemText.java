package dev.tlsfront.acme;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shredzone.acme4j.Problem;

/**
 * A CA's problem document (RFC 8555 §6.7, RFC 7807) in plain words: what it means for the operator
 * first, then the CA's own detail and type, then each subproblem with the name it is about.
 */
final class ProblemText {

    private static final String PREFIX = "urn:ietf:params:acme:error:";

    /** What each standard error type tells an operator to look at. */
    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("connection", "the CA could not connect to this site to validate it (is the port open to the"
                    + " internet, and does DNS point at this machine?)"),
            Map.entry("dns", "the CA's DNS lookup of the name failed (does the name exist in public DNS?)"),
            Map.entry("unauthorized", "the CA got a wrong answer to its challenge (does DNS point at this machine, and"
                    + " does nothing in front of it answer instead?)"),
            Map.entry("incorrectResponse", "the CA got a wrong answer to its challenge"),
            Map.entry("tls", "the CA's TLS connection for validation failed"),
            Map.entry("caa", "a DNS CAA record forbids this CA to issue for the name"),
            Map.entry("rateLimited", "the CA's rate limit was reached"),
            Map.entry("rejectedIdentifier", "the CA will not issue for this name"),
            Map.entry("unsupportedIdentifier", "the CA does not issue for this kind of name"),
            Map.entry("userActionRequired", "the CA requires an action by the account's owner (new terms of service?)"),
            Map.entry("accountDoesNotExist", "the CA does not know the account"),
            Map.entry("externalAccountRequired", "the CA requires external account binding"),
            Map.entry("badNonce", "the CA refused a request's nonce (retried)"),
            Map.entry("serverInternal", "the CA had an internal error"),
            Map.entry("malformed", "the CA found a request malformed"));

    /** One problem, as tlsfront tells it. */
    record Doc(String type, Optional<String> detail, Optional<String> identifier, List<Doc> subproblems) {
        static Doc of(Problem problem) {
            return new Doc(problem.getType().toString(), problem.getDetail(),
                    problem.getIdentifier().map(id -> id.getValue()),
                    problem.getSubProblems().stream().map(Doc::of).toList());
        }
    }

    private ProblemText() {}

    static String describe(Doc problem) {
        StringBuilder out = new StringBuilder();
        String type = problem.type().startsWith(PREFIX) ? problem.type().substring(PREFIX.length()) : problem.type();
        out.append(MEANING.getOrDefault(type, "the CA refused"));
        problem.identifier().ifPresent(id -> out.append(" for ").append(id));
        out.append(" (CA: ").append(problem.detail().map(String::strip).orElse("no detail")).append("; ").append(type)
                .append(")");
        for (Doc sub : problem.subproblems()) {
            out.append("; ").append(describe(sub));
        }
        return out.toString();
    }
}
