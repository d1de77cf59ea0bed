package io.hexproperty.balancer.algorithms;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2016; as in HAProxy's
 * hash-balance-factor): a key walks the ring clockwise from its hash to the first endpoint whose in-flight
 * count is below {@code ceil(c x (total in-flight + 1) / n)}. A popular listing therefore stays on its
 * worker until that worker is c times busier than the average, then overflows to the next on the ring,
 * which is again stable for that key. The ring (points per endpoint, sorted) is rebuilt only when the set
 * of endpoint ids changes; picks read it through one volatile field.
 */
final class BoundedLoadHash implements LoadBalancer {
    static final double DEFAULT_LOAD_FACTOR = 1.25;
    static final int DEFAULT_POINTS = 160;

    private final double loadFactor;
    private final int pointsPerEndpoint;
    private final LoadBalancer fallback;
    private volatile Ring ring = new Ring(List.of(), new long[0], new String[0]);

    BoundedLoadHash(double loadFactor, int pointsPerEndpoint, LoadBalancer fallback) {
        if (!(loadFactor > 1)) {
            throw new IllegalArgumentException("hash loadFactor must be > 1, was " + loadFactor);
        }
        this.loadFactor = loadFactor;
        this.pointsPerEndpoint = pointsPerEndpoint;
        this.fallback = fallback;
    }

    private record Ring(List<String> ids, long[] points, String[] owners) {}

    @Override
    public Endpoint pick(List<Endpoint> candidates, Request request) {
        String key = request.affinityKey();
        if (key == null) {
            return fallback.pick(candidates, request);
        }
        Ring r = ringFor(candidates);
        Map<String, Endpoint> byId = new HashMap<>(candidates.size() * 2);
        long total = 0;
        for (Endpoint e : candidates) {
            byId.put(e.id(), e);
            total += e.inFlight();
        }
        long capacity = capacity(total, candidates.size());
        int start = Arrays.binarySearch(r.points, Hashing.hash64(key));
        if (start < 0) {
            start = -start - 1;
        }
        int n = r.points.length;
        for (int i = 0; i < n; i++) {
            Endpoint e = byId.get(r.owners[(start + i) % n]);
            if (e.inFlight() < capacity) {
                return e;
            }
        }
        return fallback.pick(candidates, request); // unreachable: someone is always below the average
    }

    long capacity(long totalInFlight, int endpoints) {
        return (long) Math.ceil(loadFactor * (totalInFlight + 1) / endpoints);
    }

    private Ring ringFor(List<Endpoint> candidates) {
        Ring r = ring;
        if (sameIds(r.ids, candidates)) {
            return r;
        }
        List<String> ids = candidates.stream().map(Endpoint::id).toList();
        int n = ids.size() * pointsPerEndpoint;
        long[][] pairs = new long[n][];
        String[] owners = new String[n];
        int i = 0;
        for (int e = 0; e < ids.size(); e++) {
            for (int p = 0; p < pointsPerEndpoint; p++) {
                pairs[i++] = new long[] {Hashing.hash64(ids.get(e) + "#" + p), e};
            }
        }
        Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
        long[] points = new long[n];
        for (int j = 0; j < n; j++) {
            points[j] = pairs[j][0];
            owners[j] = ids.get((int) pairs[j][1]);
        }
        Ring built = new Ring(ids, points, owners);
        ring = built;
        return built;
    }

    private static boolean sameIds(List<String> ids, List<Endpoint> candidates) {
        if (ids.size() != candidates.size()) {
            return false;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).equals(candidates.get(i).id())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "hash";
    }
}
