package io.hexproperty.balancer.algorithms;

import java.util.ArrayList;
import java.util.List;

/**
 * Region affinity: rendezvous (highest-random-weight) hashing maps a region key to its home workers, so a
 * region's listings stay hot in the L1 of the same few workers, and a departing worker moves only its own
 * regions. The least loaded home worker serves unless it carries more than {@code spillFactor} times the
 * average load (in-flight per weight, plus one), in which case the request spills to the whole pool.
 * Requests without a region key go to the fallback.
 */
final class Geographic implements LoadBalancer {
    static final int DEFAULT_HOME_SIZE = 1;
    static final double DEFAULT_SPILL_FACTOR = 2.0;

    private final int homeSize;
    private final double spillFactor;
    private final LoadBalancer fallback;

    Geographic(int homeSize, double spillFactor, LoadBalancer fallback) {
        if (homeSize < 1) {
            throw new IllegalArgumentException("geographic homeSize must be >= 1, was " + homeSize);
        }
        if (!(spillFactor >= 1)) {
            throw new IllegalArgumentException("geographic spillFactor must be >= 1, was " + spillFactor);
        }
        this.homeSize = homeSize;
        this.spillFactor = spillFactor;
        this.fallback = fallback;
    }

    @Override
    public Endpoint pick(List<Endpoint> candidates, Request request) {
        String region = request.regionKey();
        if (region == null || candidates.size() == 1) {
            return fallback.pick(candidates, request);
        }
        List<Endpoint> home = home(candidates, region);
        Endpoint best = null;
        double bestLoad = Double.MAX_VALUE;
        for (Endpoint e : home) {
            double l = PowerOfTwo.inFlightLoad(e);
            if (l < bestLoad) {
                best = e;
                bestLoad = l;
            }
        }
        double sum = 0;
        for (Endpoint e : candidates) {
            sum += PowerOfTwo.inFlightLoad(e);
        }
        double average = sum / candidates.size();
        return bestLoad > spillFactor * average ? fallback.pick(candidates, request) : best;
    }

    /** The {@code homeSize} endpoints with the highest rendezvous score for the region. */
    List<Endpoint> home(List<Endpoint> candidates, String region) {
        int k = Math.min(homeSize, candidates.size());
        List<Endpoint> top = new ArrayList<>(k);
        long[] scores = new long[k];
        long regionHash = Hashing.hash64(region);
        for (Endpoint e : candidates) {
            long s = Hashing.mix(regionHash ^ Hashing.hash64(e.id()));
            int pos = top.size();
            while (pos > 0 && Long.compareUnsigned(s, scores[pos - 1]) > 0) {
                pos--;
            }
            if (pos < k) {
                if (top.size() == k) {
                    top.remove(k - 1);
                }
                top.add(pos, e);
                System.arraycopy(scores, pos, scores, pos + 1, k - pos - 1);
                scores[pos] = s;
            }
        }
        return top;
    }

    @Override
    public String name() {
        return "geographic";
    }
}
