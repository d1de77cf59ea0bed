package io.hexproperty.balancer.scaling;

/**
 * "When {@code metric} is at or above {@code atLeast}, add {@code add} workers" (negative: remove). Of the
 * step rules of one metric, the one with the highest matching bound applies, so a ladder reads naturally:
 * p99 >= 500 ms: +1, p99 >= 1000 ms: +3.
 */
public record StepRule(Metric metric, double atLeast, int add) {
    public StepRule {
        if (metric == null) {
            throw new IllegalArgumentException("step rule metric must not be null");
        }
        if (add == 0) {
            throw new IllegalArgumentException("step rule on " + metric.key() + " must add or remove workers, add was 0");
        }
    }

    /** Parses {@code p99>=1000:+2}. */
    public static StepRule parse(String text) {
        String t = text.replace(" ", "");
        int ge = t.indexOf(">=");
        int colon = t.lastIndexOf(':');
        if (ge < 1 || colon < ge) {
            throw new IllegalArgumentException("step rule '" + text + "': expected METRIC>=VALUE:+N, e.g. p99>=1000:+2");
        }
        try {
            return new StepRule(Metric.parse(t.substring(0, ge)), Double.parseDouble(t.substring(ge + 2, colon)),
                    Integer.parseInt(t.substring(colon + 1).replace("+", "")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("step rule '" + text + "': " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return metric.key() + ">=" + atLeast + ":" + (add > 0 ? "+" : "") + add;
    }
}
