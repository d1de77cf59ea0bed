package io.hexproperty.loadtest.workload;

import java.util.SplittableRandom;

/**
 * Rank sampler with P(rank k) proportional to 1 / k^s over n ranks (k = 1..n), by binary search
 * in a precomputed CDF: n is the few hundred to few thousand collected keys, so the table is
 * small and each draw is O(log n) with no allocation.
 */
final class ZipfSampler {

    private final double[] cdf;

    ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("Zipf needs at least one rank, was " + n);
        }
        if (!(exponent >= 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("Zipf exponent must be >= 0, was " + exponent);
        }
        cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, exponent);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
    }

    /** A rank in [0, n), 0 the most popular. */
    int next(SplittableRandom random) {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
