package io.hexproperty.loadtest.analysis;

/**
 * Least-squares slope of a metric over time, kept as running sums so an hours-long soak costs
 * six doubles per metric. Times are centred on the first sample to keep the sums well
 * conditioned. The t statistic of the slope (slope / its standard error) says whether a slope is
 * more than noise: {@link #significant()} is |t| > 3 over at least 30 samples, the test the node's
 * own trend gauges use. Samples of a soak are autocorrelated, which makes t read high; a slope that
 * is significant but tiny (bytes per hour against a heap of hundreds of MB) is judged by its size.
 */
public final class LinearTrend {

    private long n;
    private double t0 = Double.NaN;
    private double sumT;
    private double sumY;
    private double sumTT;
    private double sumTY;
    private double sumYY;
    private double first = Double.NaN;
    private double last = Double.NaN;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    synchronized void add(double seconds, double value) {
        if (Double.isNaN(value)) {
            return;
        }
        if (Double.isNaN(t0)) {
            t0 = seconds;
            first = value;
        }
        double t = seconds - t0;
        n++;
        sumT += t;
        sumY += value;
        sumTT += t * t;
        sumTY += t * value;
        sumYY += value * value;
        last = value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** Units per second; NaN with fewer than 3 samples. */
    public synchronized double slopePerSecond() {
        if (n < 3) {
            return Double.NaN;
        }
        double den = n * sumTT - sumT * sumT;
        return den == 0 ? Double.NaN : (n * sumTY - sumT * sumY) / den;
    }

    /** The t statistic of the slope: slope / standard error; NaN with fewer than 3 samples. */
    public synchronized double tStatistic() {
        if (n < 3) {
            return Double.NaN;
        }
        double sxx = sumTT - sumT * sumT / n;
        double sxy = sumTY - sumT * sumY / n;
        double syy = sumYY - sumY * sumY / n;
        if (sxx <= 0) {
            return Double.NaN;
        }
        double slope = sxy / sxx;
        double sse = Math.max(0, syy - slope * sxy);
        double se = Math.sqrt(sse / (n - 2) / sxx);
        if (se == 0) {
            return slope == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, slope);
        }
        return slope / se;
    }

    /** True when |t| > 3 over at least 30 samples (about a 99.7% two-sided level). */
    public synchronized boolean significant() {
        double t = tStatistic();
        return n >= 30 && !Double.isNaN(t) && Math.abs(t) > 3;
    }

    public synchronized long samples() {
        return n;
    }

    public synchronized double first() {
        return first;
    }

    public synchronized double last() {
        return last;
    }

    public synchronized double min() {
        return n == 0 ? Double.NaN : min;
    }

    public synchronized double max() {
        return n == 0 ? Double.NaN : max;
    }
}
