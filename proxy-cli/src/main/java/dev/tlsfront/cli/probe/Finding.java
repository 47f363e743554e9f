package dev.tlsfront.cli.probe;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the report, and one object of the JSON report.
 *
 * @param status PASS, WARN, FAIL, or INFO (reported, not judged)
 * @param check a short dotted name, e.g. {@code http.redirect}
 * @param url the URL the finding is about, or null when it is about the whole site (its TLS)
 * @param httpStatus the status of the response it is about, or null
 * @param evidence what was seen, in words
 * @param fix how to put it right; null for PASS and INFO
 * @param details what was seen, as values (versions, days left, header values), for machines
 */
public record Finding(Status status, String check, String url, Integer httpStatus, String evidence, String fix,
        Map<String, Object> details) {

    public enum Status { PASS, WARN, FAIL, INFO }

    public Finding {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    static Finding pass(String check, String url, String evidence) {
        return new Finding(Status.PASS, check, url, null, evidence, null, Map.of());
    }

    static Finding info(String check, String url, String evidence) {
        return new Finding(Status.INFO, check, url, null, evidence, null, Map.of());
    }

    static Finding warn(String check, String url, String evidence, String fix) {
        return new Finding(Status.WARN, check, url, null, evidence, fix, Map.of());
    }

    static Finding fail(String check, String url, String evidence, String fix) {
        return new Finding(Status.FAIL, check, url, null, evidence, fix, Map.of());
    }

    /** The same finding about a response with {@code status}. */
    Finding withStatus(int status) {
        return new Finding(this.status, check, url, status, evidence, fix, details);
    }

    /** The same finding with one more value in {@link #details}. */
    Finding with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(key, value);
        return new Finding(status, check, url, httpStatus, evidence, fix, more);
    }
}
