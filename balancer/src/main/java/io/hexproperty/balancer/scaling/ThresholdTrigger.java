package io.hexproperty.balancer.scaling;

import java.time.Duration;

/**
 * "When {@code metric} has been above (or below) {@code value} for {@code forDuration}, change the worker
 * count by {@code change}". The for-duration is what keeps a single bad second from scaling.
 */
public record ThresholdTrigger(Metric metric, boolean above, double value, Duration forDuration, int change) {
    public ThresholdTrigger {
        if (metric == null) {
            throw new IllegalArgumentException("trigger metric must not be null");
        }
        if (forDuration == null || forDuration.isNegative()) {
            throw new IllegalArgumentException("trigger for-duration must be >= 0, was " + forDuration);
        }
        if (change == 0) {
            throw new IllegalArgumentException("trigger on " + metric.key() + " must change the worker count, change was 0");
        }
    }

    /** Parses {@code p99>250for10s:+1} or {@code cpu<0.2for120s:-1}. */
    public static ThresholdTrigger parse(String text) {
        String t = text.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        int op = Math.max(t.indexOf('>'), t.indexOf('<'));
        int f = t.indexOf("for");
        int colon = t.lastIndexOf(':');
        if (op < 1 || f < op || colon < f) {
            throw new IllegalArgumentException("trigger '" + text + "': expected METRIC>VALUEforDURATION:+N, e.g. p99>250for10s:+1");
        }
        try {
            return new ThresholdTrigger(Metric.parse(t.substring(0, op)), t.charAt(op) == '>',
                    Double.parseDouble(t.substring(op + 1, f)), Durations.parse(t.substring(f + 3, colon)),
                    Integer.parseInt(t.substring(colon + 1).replace("+", "")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("trigger '" + text + "': " + e.getMessage());
        }
    }

    public boolean holds(MetricWindow w) {
        return w.heldFor(metric, v -> above ? v > value : v < value, forDuration);
    }

    @Override
    public String toString() {
        return metric.key() + (above ? ">" : "<") + value + " for " + forDuration.toSeconds() + "s:" + (change > 0 ? "+" : "") + change;
    }
}
