package dev.tlsfront.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The HSTS ramp: a new site's max-age starts at five minutes and rises a step at a time (a day, a
 * week, thirty days, then {@code https.hsts.max_age}), each step kept for as long as its own
 * max-age, and only while the site keeps serving a valid certificate. A mistake found in the first
 * weeks then strands browsers for minutes or days, not for the years of a long max-age on day one.
 */
public final class HstsRamp {

    static final List<Duration> STEPS = List.of(Duration.ofMinutes(5), Duration.ofDays(1), Duration.ofDays(7),
            Duration.ofDays(30));

    /** Where a host is on the ramp: the step's index, and since when it has been served. */
    public record Progress(int step, Instant since) {}

    private HstsRamp() {}

    /** The max-ages from the first step to {@code maxAge}: the steps below it, then it. */
    public static List<Duration> ladder(Duration maxAge) {
        List<Duration> ladder = new ArrayList<>();
        for (Duration step : STEPS) {
            if (step.compareTo(maxAge) < 0) {
                ladder.add(step);
            }
        }
        ladder.add(maxAge);
        return List.copyOf(ladder);
    }

    /** The max-age {@code progress} stands for. */
    public static Duration maxAge(Progress progress, Duration maxAge) {
        List<Duration> ladder = ladder(maxAge);
        return ladder.get(Math.min(progress.step(), ladder.size() - 1));
    }

    /**
     * The progress after a look at {@code now}: one step up when the current step has been served
     * for its own length and the host's certificate is valid; unchanged otherwise.
     */
    public static Progress advance(Progress progress, Duration maxAge, Instant now, boolean certificateValid) {
        List<Duration> ladder = ladder(maxAge);
        int step = Math.min(progress.step(), ladder.size() - 1);
        if (step == ladder.size() - 1 || !certificateValid) {
            return step == progress.step() ? progress : new Progress(step, progress.since());
        }
        if (now.isBefore(progress.since().plus(ladder.get(step)))) {
            return progress;
        }
        return new Progress(step + 1, now);
    }
}
