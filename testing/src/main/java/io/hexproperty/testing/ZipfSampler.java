package io.hexproperty.testing;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws indexes in {@code [0, n)} whose popularity follows Zipf's law: rank r (1-based) is drawn with
 * probability proportional to {@code 1 / r^s}. Ranks are shuffled onto indexes with the same seed, so
 * the popular keys are scattered over the key space (and over hash buckets) as real hot listings are,
 * not packed at the low ids.
 *
 * <p>Sampling inverts the cumulative distribution with a binary search: exact for any {@code s}
 * (including s = 1, where closed-form approximations break down) and O(log n) per draw. Benchmarks
 * draw a whole {@link #trace(int)} in setup and walk it in the measured loop, so the sampler's own
 * cost (a random double and ~17 comparisons) is never measured.
 *
 * <p>The one Zipf sampler of the tests, simulations and benchmarks (the load generator, which is
 * production code, keeps its own in {@code loadtest}). Callers that bring their own random per
 * thread draw unshuffled ranks with {@link #rank(SplittableRandom)}.
 */
public final class ZipfSampler {

    /** The skew used across the benchmarks: close to the s = 1 web popularity usually reported. */
    public static final double DEFAULT_SKEW = 0.99;

    private final double[] cumulative;
    private final int[] rankToIndex;
    private final SplittableRandom random;

    private ZipfSampler(int n, double s, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, was " + n);
        }
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("skew s must be a positive finite number, was " + s);
        }
        this.cumulative = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += 1.0 / Math.pow(r + 1, s);
            cumulative[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            cumulative[r] /= sum;
        }
        cumulative[n - 1] = 1.0;
        this.random = new SplittableRandom(seed);
        this.rankToIndex = new int[n];
        for (int i = 0; i < n; i++) {
            rankToIndex[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = n - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = rankToIndex[i];
            rankToIndex[i] = rankToIndex[j];
            rankToIndex[j] = t;
        }
    }

    public static ZipfSampler of(int n, double s, long seed) {
        return new ZipfSampler(n, s, seed);
    }

    /** The next index; not thread-safe (each benchmark thread walks its own trace). */
    public int next() {
        return rankToIndex[rank(random.nextDouble())];
    }

    /** {@code length} draws, for a measured loop that only reads an array. */
    public int[] trace(int length) {
        int[] trace = new int[length];
        for (int i = 0; i < length; i++) {
            trace[i] = next();
        }
        return trace;
    }

    /** The index of the given 0-based popularity rank (0 = the most popular). */
    public int indexOfRank(int rank) {
        return rankToIndex[rank];
    }

    /** Probability mass of the {@code k} most popular ranks: the hit ratio of an ideal cache of size k. */
    public double topMass(int k) {
        return k <= 0 ? 0 : cumulative[Math.min(k, cumulative.length) - 1];
    }

    /** A 0-based popularity rank (0 = the most popular) drawn with {@code random}: thread-safe. */
    public int rank(SplittableRandom random) {
        return rank(random.nextDouble());
    }

    int rank(double u) {
        int i = Arrays.binarySearch(cumulative, u);
        return i >= 0 ? i : Math.min(-i - 1, cumulative.length - 1);
    }
}
