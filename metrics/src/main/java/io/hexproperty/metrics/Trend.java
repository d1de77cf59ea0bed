package io.hexproperty.metrics;

/**
 * A least-squares line through the last {@link #capacity} samples of one series, with the t statistic
 * of its slope (slope / standard error): a slope is called significant when |t| > {@link #T_CRITICAL}
 * over at least {@link #MIN_SAMPLES} samples, about a 99.7% two-sided level for that many points, so
 * the noise of a flat series does not read as a leak. Used for memory and latency during soak runs.
 */
final class Trend {
    static final double T_CRITICAL = 3.0;
    static final int MIN_SAMPLES = 30;

    private final double[] xs;
    private final double[] ys;
    private final int capacity;
    private int size;
    private int next;

    Trend(int capacity) {
        if (capacity < MIN_SAMPLES) {
            throw new IllegalArgumentException("a trend needs room for at least " + MIN_SAMPLES + " samples");
        }
        this.capacity = capacity;
        this.xs = new double[capacity];
        this.ys = new double[capacity];
    }

    /** Adds a sample at {@code seconds}; NaN values are skipped. */
    synchronized void add(double seconds, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return;
        }
        xs[next] = seconds;
        ys[next] = value;
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    record Fit(int samples, double slopePerSecond, double t) {
        boolean significant() {
            return samples >= MIN_SAMPLES && Math.abs(t) > T_CRITICAL;
        }
    }

    synchronized Fit fit() {
        int n = size;
        if (n < 3) {
            return new Fit(n, Double.NaN, Double.NaN);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += xs[i];
            my += ys[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (xs[i] - mx) * (xs[i] - mx);
            sxy += (xs[i] - mx) * (ys[i] - my);
        }
        if (sxx == 0) {
            return new Fit(n, Double.NaN, Double.NaN);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double r = ys[i] - (intercept + slope * xs[i]);
            sse += r * r;
        }
        double se = Math.sqrt(sse / (n - 2) / sxx);
        double t = se == 0 ? (slope == 0 ? 0 : Math.copySign(Double.MAX_VALUE, slope)) : slope / se;
        return new Fit(n, slope, t);
    }
}
