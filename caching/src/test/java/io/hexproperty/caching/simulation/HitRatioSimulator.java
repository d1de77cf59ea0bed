package io.hexproperty.caching.simulation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hexproperty.testing.ZipfSampler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replays one Zipf trace through Caffeine (W-TinyLFU) and through an LRU of the same size, and prints
 * both hit ratios side by side, with the static optimum under the independent reference model (the
 * probability mass of the most popular keys that fit) as the ceiling. Not a test: it asserts nothing
 * and is run by hand; results go to docs/benchmarks/caching.md.
 *
 * <pre>
 * ./mvnw -q -o -pl caching -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/caching.cp
 * $JAVA_HOME/bin/java -cp caching/target/test-classes:caching/target/classes:$(cat /tmp/caching.cp) \
 *     io.hexproperty.caching.simulation.HitRatioSimulator [keys] [requests] [cacheFraction] [s] [seed]
 * </pre>
 * Defaults: 1,000,000 keys, 10,000,000 requests, cache = 5% of keys, s = 0.99, seed 42.
 */
public final class HitRatioSimulator {

    private HitRatioSimulator() {
    }

    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        double fraction = args.length > 2 ? Double.parseDouble(args[2]) : 0.05;
        double s = args.length > 3 ? Double.parseDouble(args[3]) : 0.99;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
        int capacity = (int) (keys * fraction);

        ZipfSampler zipf = ZipfSampler.of(keys, s, seed); // ranks shuffled: popularity is not correlated with key order or hash
        int[] trace = zipf.trace(requests);

        double optimum = zipf.topMass(capacity);
        double tinyLfu = caffeine(trace, capacity);
        double lru = lru(trace, capacity);
        System.out.printf("zipf s=%.2f, %,d keys, %,d requests, cache %,d entries (%.1f%% of keys), seed %d%n",
                s, keys, requests, capacity, fraction * 100, seed);
        System.out.printf("%-28s %8s%n", "policy", "hit ratio");
        System.out.printf("%-28s %7.2f%%%n", "Caffeine W-TinyLFU", tinyLfu * 100);
        System.out.printf("%-28s %7.2f%%%n", "LRU (LinkedHashMap)", lru * 100);
        System.out.printf("%-28s %7.2f%%%n", "static optimum (top-N mass)", optimum * 100);
        System.out.printf("W-TinyLFU / LRU = %.3f; misses W-TinyLFU / LRU = %.3f%n", tinyLfu / lru, (1 - tinyLfu) / (1 - lru));
    }

    static double caffeine(int[] trace, int capacity) {
        // same-thread maintenance: the replay is deterministic and nothing is left pending between requests
        Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
        long hits = 0;
        for (int key : trace) {
            if (cache.getIfPresent(key) != null) {
                hits++;
            } else {
                cache.put(key, key);
            }
        }
        return (double) hits / trace.length;
    }

    static double lru(int[] trace, int capacity) {
        Map<Integer, Integer> lru = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                return size() > capacity;
            }
        };
        long hits = 0;
        for (int key : trace) {
            if (lru.get(key) != null) {
                hits++;
            } else {
                lru.put(key, key);
            }
        }
        return (double) hits / trace.length;
    }

}
