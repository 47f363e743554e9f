package dev.tlsfront.cli.probe;

/**
 * One line of the report.
 *
 * @param status PASS, WARN, FAIL, or INFO (reported, not judged)
 * @param check a short dotted name, e.g. {@code http.redirect}
 * @param evidence what was seen
 * @param fix how to put it right; empty for PASS and INFO
 */
public record Finding(Status status, String check, String evidence, String fix) {

    public enum Status { PASS, WARN, FAIL, INFO }

    static Finding pass(String check, String evidence) {
        return new Finding(Status.PASS, check, evidence, "");
    }

    static Finding info(String check, String evidence) {
        return new Finding(Status.INFO, check, evidence, "");
    }

    static Finding warn(String check, String evidence, String fix) {
        return new Finding(Status.WARN, check, evidence, fix);
    }

    static Finding fail(String check, String evidence, String fix) {
        return new Finding(Status.FAIL, check, evidence, fix);
    }
}
