package io.hexproperty.database.sharding;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which shard holds the listings of each StateOrProvince (docs/decisions/0006).
 *
 * <p>States are packed onto shards greedily, heaviest first, each onto the currently lightest shard
 * (ties: the lower shard number; equal weights: alphabetical state order), so the map is a pure
 * function of the weights and the shard count: every node computes the same map without
 * coordination. A state outside the weights (a territory no listing has yet) goes to a shard chosen
 * by a stable hash of its code, which is just as deterministic.
 *
 * <p>The map is fixed for the life of the data: changing the shard count or the weights moves
 * states, and there is no online resharding, so a deployment re-seeds (or re-imports) when it does.
 */
public final class ShardMap {
    private final int shards;
    private final Map<String, Integer> assigned;
    private final long[] weights;

    private ShardMap(int shards, Map<String, Integer> assigned, long[] weights) {
        this.shards = shards;
        this.assigned = assigned;
        this.weights = weights;
    }

    /**
     * The map for {@code shards} shards, balanced by the population of each state in the vendored
     * places data, which is the expected number of generated listings per state.
     */
    public static ShardMap byState(int shards) {
        return byState(shards, statePopulations());
    }

    /**
     * The default weights: each state's population in the vendored places data, read from this
     * module's {@code state-populations.csv} (the seed module checks it matches its places file).
     */
    public static Map<String, Long> statePopulations() {
        return StatePopulations.VALUES;
    }

    private static final class StatePopulations {
        private static final String RESOURCE = "state-populations.csv";
        static final Map<String, Long> VALUES = read();

        private static Map<String, Long> read() {
            Map<String, Long> totals = new TreeMap<>();
            try (InputStream in = ShardMap.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE + " next to " + ShardMap.class.getName());
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = reader.readLine()) != null; ) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    int comma = line.indexOf(',');
                    totals.put(line.substring(0, comma).strip(), Long.parseLong(line.substring(comma + 1).strip()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            return Collections.unmodifiableMap(totals);
        }
    }

    /** The map for {@code shards} shards balancing the given weight per state (listing counts, population). */
    public static ShardMap byState(int shards, Map<String, Long> weightByState) {
        if (shards < 1 || shards > 64) {
            throw new IllegalArgumentException("shards must be between 1 and 64, was " + shards);
        }
        Objects.requireNonNull(weightByState, "weightByState");
        List<Map.Entry<String, Long>> heaviestFirst = new ArrayList<>(new TreeMap<>(weightByState).entrySet());
        heaviestFirst.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        long[] load = new long[shards];
        Map<String, Integer> assigned = new TreeMap<>();
        for (Map.Entry<String, Long> state : heaviestFirst) {
            if (state.getValue() < 0) {
                throw new IllegalArgumentException("weight of " + state.getKey() + " is negative: " + state.getValue());
            }
            int lightest = 0;
            for (int s = 1; s < shards; s++) {
                if (load[s] < load[lightest]) {
                    lightest = s;
                }
            }
            assigned.put(state.getKey(), lightest);
            load[lightest] += state.getValue();
        }
        return new ShardMap(shards, Collections.unmodifiableMap(assigned), load);
    }

    public int shards() {
        return shards;
    }

    /** The shard that holds (or will hold) the listings of {@code state}. */
    public int shardOf(String state) {
        Objects.requireNonNull(state, "state");
        Integer shard = assigned.get(state);
        return shard != null ? shard : Math.floorMod(fnv1a(state), shards);
    }

    /** A filter accepting exactly the states of {@code shard}, for seeding it. */
    public Predicate<String> holds(int shard) {
        checkShard(shard);
        return state -> shardOf(state) == shard;
    }

    /** The states of the weights assigned to {@code shard}, alphabetically. */
    public Set<String> statesOf(int shard) {
        checkShard(shard);
        Set<String> states = new TreeSet<>();
        assigned.forEach((state, s) -> {
            if (s == shard) {
                states.add(state);
            }
        });
        return Collections.unmodifiableSet(states);
    }

    /** The summed weight of the states assigned to {@code shard}. */
    public long weightOf(int shard) {
        checkShard(shard);
        return weights[shard];
    }

    /** One line per shard: its share of the weight and its states. */
    public String describe() {
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < shards; s++) {
            b.append(String.format(java.util.Locale.ROOT, "shard %d: %5.1f%% %s%n", s,
                    total == 0 ? 0.0 : 100.0 * weights[s] / total, String.join(" ", statesOf(s))));
        }
        return b.toString();
    }

    private void checkShard(int shard) {
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " does not exist; shards are 0.." + (shards - 1));
        }
    }

    private static int fnv1a(String text) {
        int h = 0x811c9dc5;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x01000193;
        }
        return h;
    }
}
