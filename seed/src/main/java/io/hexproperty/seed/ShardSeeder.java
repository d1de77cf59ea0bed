package io.hexproperty.seed;

import io.hexproperty.database.sharding.ShardMap;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.seed.SeedConfig;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.SeedReport;
import io.hexproperty.seed.Seeder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Seeds shards from the one deterministic listing stream: shard i loads exactly the listings of
 * {@code 0..count-1} whose state the map assigns to it, so the union of the shards is the unsharded
 * seed of the same seed and clock, listing for listing. Shards are loaded one after another: each
 * load already uses all cores ({@link SeedConfig#streams()}).
 */
public final class ShardSeeder {
    private final ShardMap map;
    private final List<DatabaseConfig> shards;
    private final SeedConfig options;

    public ShardSeeder(ShardMap map, List<DatabaseConfig> shards, SeedConfig options) {
        this.map = Objects.requireNonNull(map, "map");
        this.shards = List.copyOf(shards);
        this.options = Objects.requireNonNull(options, "options");
        if (this.shards.size() != map.shards()) {
            throw new IllegalArgumentException("the shard map has " + map.shards() + " shards but "
                    + this.shards.size() + " databases were given");
        }
    }

    /** Loads each shard's part of {@code count} listings of {@code seed}; the shards' listings tables must be empty. */
    public List<SeedReport> seed(long count, long seed, SeedProgress progress) {
        return seed(count, seed, progress, false);
    }

    /**
     * Loads the shards whose listings table is empty and leaves the others alone: every shard's
     * part is a fixed function of (map, count, seed), so a shard whose data directory was wiped
     * is filled with exactly what it had.
     */
    public List<SeedReport> seedEmpty(long count, long seed, SeedProgress progress) {
        return seed(count, seed, progress, true);
    }

    private List<SeedReport> seed(long count, long seed, SeedProgress progress, boolean skipSeeded) {
        List<SeedReport> reports = new ArrayList<>(shards.size());
        for (int i = 0; i < shards.size(); i++) {
            DatabaseConfig shard = shards.get(i);
            if (skipSeeded && Seeder.isSeeded(shard.jdbcUrl(), shard.user(), shard.password())) {
                continue;
            }
            reports.add(new Seeder(shard.jdbcUrl(), shard.user(), shard.password(), options)
                    .seed(count, seed, map.holds(i), progress));
        }
        return reports;
    }
}
