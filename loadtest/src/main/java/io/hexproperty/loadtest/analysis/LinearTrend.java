package io.hexproperty.loadtest.analysis;

/**
 * Least-squares slope of a metric over time, kept as running sums so an hours-long soak costs
 * five doubles per metric. Times are centred on the first sample to keep the sums well
 * conditioned.
 */
public final class LinearTrend {

    private long n;
    private double t0 = Double.NaN;
    private double sumT;
    private double sumY;
    private double sumTT;
    private double sumTY;
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
