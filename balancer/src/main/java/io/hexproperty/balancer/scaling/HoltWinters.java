package io.hexproperty.balancer.scaling;

import java.time.Instant;

/**
 * Additive Holt-Winters on bucket means of the arrival rate.
 *
 * <p>Design: per-second rates are too noisy and a daily season of 86,400 points too long, so observations
 * are averaged into buckets ({@code season / buckets} wide) and the model updates once per closed bucket.
 * During the first season there is nothing to be seasonal about: it runs Holt's linear method (level and
 * trend) and stores the bucket means; when the first season closes, the seasonal indices are initialised as
 * each bucket's deviation from that season's mean. A forecast h buckets ahead is
 * {@code level + h * trend + season[(i + h) mod m]}. Gaps (buckets without observations) carry the last mean.
 */
final class HoltWinters implements Forecaster {
    private final ForecastConfig config;
    private final long bucketMillis;
    private final int m;
    private final double[] seasonal;
    private final double[] firstSeason;
    private long currentBucket = Long.MIN_VALUE;
    private double sum;
    private int count;
    private long closedBuckets;
    private double level = Double.NaN;
    private double trend;
    private boolean seasonal0;
    private long lastClosed = Long.MIN_VALUE;
    private double lastMean;

    HoltWinters(ForecastConfig config) {
        this.config = config;
        this.m = config.buckets();
        this.bucketMillis = config.season().toMillis() / m;
        this.seasonal = new double[m];
        this.firstSeason = new double[m];
    }

    @Override
    public void observe(Instant at, double rate) {
        long b = Math.floorDiv(at.toEpochMilli(), bucketMillis);
        if (currentBucket == Long.MIN_VALUE) {
            currentBucket = b;
        }
        if (b < currentBucket) {
            return; // late sample for a closed bucket: the model has moved on
        }
        while (b > currentBucket) {
            close(currentBucket, count > 0 ? sum / count : lastMean);
            currentBucket++;
            sum = 0;
            count = 0;
        }
        sum += rate;
        count++;
    }

    private void close(long bucket, double mean) {
        int idx = (int) Math.floorMod(bucket, (long) m);
        lastMean = mean;
        lastClosed = bucket;
        closedBuckets++;
        if (Double.isNaN(level)) {
            level = mean;
            firstSeason[idx] = mean;
            return;
        }
        if (!seasonal0) {
            double prev = level;
            level = config.alpha() * mean + (1 - config.alpha()) * (level + trend);
            trend = config.beta() * (level - prev) + (1 - config.beta()) * trend;
            firstSeason[idx] = mean;
            if (closedBuckets == m) {
                double avg = 0;
                for (double v : firstSeason) {
                    avg += v;
                }
                avg /= m;
                for (int i = 0; i < m; i++) {
                    seasonal[i] = firstSeason[i] - avg;
                }
                level = mean - seasonal[idx];
                trend = 0;
                seasonal0 = true;
            }
            return;
        }
        double prev = level;
        level = config.alpha() * (mean - seasonal[idx]) + (1 - config.alpha()) * (level + trend);
        trend = config.beta() * (level - prev) + (1 - config.beta()) * trend;
        seasonal[idx] = config.gamma() * (mean - level) + (1 - config.gamma()) * seasonal[idx];
    }

    @Override
    public double forecast(Instant at) {
        if (Double.isNaN(level) || lastClosed == Long.MIN_VALUE) {
            return Double.NaN;
        }
        // bucket values are means, so they belong to bucket centres; interpolate between the two around `at`
        // so that a forecast a few seconds ahead moves smoothly instead of jumping at bucket edges
        double pos = at.toEpochMilli() / (double) bucketMillis - 0.5;
        long b0 = (long) Math.floor(pos);
        double frac = pos - b0;
        return Math.max(0, (1 - frac) * bucketValue(b0) + frac * bucketValue(b0 + 1));
    }

    private double bucketValue(long bucket) {
        long h = Math.max(1, bucket - lastClosed);
        double f = level + h * trend;
        if (seasonal0) {
            f += seasonal[(int) Math.floorMod(bucket, (long) m)];
        }
        return f;
    }

    boolean seasonal() {
        return seasonal0;
    }
}
