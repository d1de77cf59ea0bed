package io.hexproperty.benchmarks.system;

import io.hexproperty.database.embedded.EmbeddedShards;
import io.hexproperty.database.sharding.ShardMap;
import io.hexproperty.database.sharding.ShardedListingStore;
import io.hexproperty.seed.ShardSeeder;
import io.hexproperty.testing.QueryMix;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.seed.ListingGenerator;
import io.hexproperty.seed.SeedConfig;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.Seeder;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.port.out.ListingStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Sharded against unsharded search latency, side by side in one run: the same seed is loaded into
 * one embedded PostgreSQL and, split by state, into N others on this machine; the same query mix
 * ({@link QueryMix}: state-scoped searches that go to one shard, fan-out searches, point reads by
 * key) runs against both, alternating which goes first, closed-loop with a fixed number of
 * outstanding requests. Prints p50/p90/p99 per class and system, the ratios, and checks on the way
 * that both systems returned the same pages. Databases live in a temporary directory, deleted after.
 *
 * <pre>
 * java -cp "$CP" io.hexproperty.benchmarks.system.ShardingBenchmark [listings] [--shards N]
 *      [--queries N] [--concurrency N] [--seed S] [--pool-size N]
 * </pre>
 * (docs/benchmarks/database-sharding.md shows how to build {@code $CP}).
 */
public final class ShardingBenchmark {
    private ShardingBenchmark() {}

    private enum Kind { ONE_SHARD, FAN_OUT, FIND }

    private record Op(Kind kind, Function<ListingStore, CompletionStage<?>> call) {}

    public static void main(String[] args) throws Exception {
        int listings = 200_000;
        int shardCount = 3;
        int queries = 3_000;
        int concurrency = 4;
        long seed = 42;
        int poolSize = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shards" -> shardCount = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--pool-size" -> poolSize = Integer.parseInt(args[++i]);
                default -> listings = Integer.parseInt(args[i].replace("_", ""));
            }
        }
        Clock asOf = Clock.fixed(Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC);
        SeedConfig options = SeedConfig.defaults().withClock(asOf);
        ShardMap map = ShardMap.byState(shardCount);
        System.out.printf(Locale.ROOT, "%d listings (seed %d), %d shards, %d queries, %d outstanding, pool %d per database, %d cores%n",
                listings, seed, shardCount, queries, concurrency, poolSize, Runtime.getRuntime().availableProcessors());
        System.out.print(map.describe());

        Path root = Files.createTempDirectory("hexproperty-sharding-bench-");
        Vertx vertx = Vertx.vertx();
        try (EmbeddedShards single = EmbeddedShards.start(root.resolve("single"), 1,
                db -> Migrations.apply(db.jdbcUrl(), db.user(), db.password()));
             EmbeddedShards shards = EmbeddedShards.start(root.resolve("sharded"), shardCount,
                db -> Migrations.apply(db.jdbcUrl(), db.user(), db.password()))) {
            DatabaseConfig one = single.urls().stream().map(DatabaseConfig::of).toList().getFirst();
            long t0 = System.nanoTime();
            new Seeder(one.jdbcUrl(), one.user(), one.password(), options).seed(listings, seed, SeedProgress.none());
            long t1 = System.nanoTime();
            new ShardSeeder(map, shards.urls().stream().map(DatabaseConfig::of).toList(), options).seed(listings, seed, SeedProgress.none());
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "seeded: unsharded %.1f s, sharded %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);

            List<Pool> pools = new ArrayList<>();
            int connections = poolSize;
            Function<DatabaseConfig, PgListingStore> open = config -> {
                Pool pool = PgPools.create(vertx, config.withPoolSize(connections));
                pools.add(pool);
                return new PgListingStore(pool, Clock.systemUTC());
            };
            ListingStore unsharded = open.apply(one);
            List<PgListingStore> shardStores = shards.urls().stream().map(DatabaseConfig::of).toList().stream().map(open).toList();
            // Without remembered keys every find probes all shards: the worst case, measured first.
            ListingStore sharded = ShardedListingStore.of(map, shardStores, 0);

            List<Op> ops = operations(listings, seed, asOf, queries);
            int mismatches = compare(ops, unsharded, sharded);
            System.out.println("pages compared: " + ops.size() + ", mismatches: " + mismatches);

            run(ops, unsharded, concurrency);   // warm-up: caches, prepared statements, connections
            run(ops, sharded, concurrency);
            Map<Kind, long[]> a = new EnumMap<>(Kind.class);
            Map<Kind, long[]> b = new EnumMap<>(Kind.class);
            for (int round = 0; round < 2; round++) {
                // Alternate the order so neither system always runs right after the other warmed the OS cache.
                if (round == 0) {
                    merge(a, run(ops, unsharded, concurrency));
                    merge(b, run(ops, sharded, concurrency));
                } else {
                    merge(b, run(ops, sharded, concurrency));
                    merge(a, run(ops, unsharded, concurrency));
                }
            }
            report(a, b);

            // The same finds through a router that has seen the keys (as after a results page).
            List<Op> finds = ops.stream().filter(op -> op.kind() == Kind.FIND).toList();
            ListingStore remembering = ShardedListingStore.of(map, shardStores);
            run(finds, remembering, concurrency);
            long[] remembered = merged(run(finds, remembering, concurrency).get(Kind.FIND),
                    run(finds, remembering, concurrency).get(Kind.FIND));
            Arrays.sort(remembered);
            long[] unshardedFinds = a.get(Kind.FIND);
            System.out.printf(Locale.ROOT, "%-10s %7d | %-26s | %6.2f / %6.2f / %6.2f ms | %.2fx, %.2fx  (key remembered)%n",
                    "find", remembered.length, "", ms(remembered, 0.5), ms(remembered, 0.9), ms(remembered, 0.99),
                    ms(remembered, 0.5) / ms(unshardedFinds, 0.5), ms(remembered, 0.99) / ms(unshardedFinds, 0.99));
            pools.forEach(Pool::close);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: the temporary directory is the operating system's to clean
            }
        }
    }

    private static List<Op> operations(int listings, long seed, Clock asOf, int queries) {
        ListingGenerator generator = ListingGenerator.create(seed, asOf.instant());
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Listing> sample = LongStream.range(0, 2_000).map(i -> rnd.nextLong(listings)).mapToObj(generator::listing).toList();
        List<Op> ops = new ArrayList<>(queries);
        for (QueryMix.Generated g : new QueryMix(sample, seed).next(queries * 4 / 5)) {
            boolean oneShard = g.scope() == QueryMix.Scope.STATE || g.scope() == QueryMix.Scope.CITY_STATE;
            ops.add(new Op(oneShard ? Kind.ONE_SHARD : Kind.FAN_OUT, store -> store.search(g.query())));
        }
        while (ops.size() < queries) {
            ListingKey key = ListingKey.ofIndex(rnd.nextLong(listings));
            ops.add(new Op(Kind.FIND, store -> store.find(key)));
        }
        java.util.Collections.shuffle(ops, new java.util.Random(seed));
        return ops;
    }

    private static int compare(List<Op> ops, ListingStore a, ListingStore b) {
        int mismatches = 0;
        for (Op op : ops) {
            Object x = op.call().apply(a).toCompletableFuture().join();
            Object y = op.call().apply(b).toCompletableFuture().join();
            if (!same(x, y)) {
                mismatches++;
            }
        }
        return mismatches;
    }

    private static boolean same(Object x, Object y) {
        if (x instanceof SearchPage p && y instanceof SearchPage q) {
            return p.items().equals(q.items()) && p.next().equals(q.next());
        }
        return x.equals(y);
    }

    /** Runs every op once with {@code concurrency} outstanding; returns nanosecond latencies per kind. */
    private static Map<Kind, long[]> run(List<Op> ops, ListingStore store, int concurrency) {
        long[] latency = new long[ops.size()];
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < concurrency; lane++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            lanes.add(done);
            step(ops, store, latency, next, done);
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).join();
        Map<Kind, long[]> byKind = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            byKind.put(kind, java.util.stream.IntStream.range(0, ops.size()).filter(i -> ops.get(i).kind() == kind)
                    .mapToLong(i -> latency[i]).toArray());
        }
        return byKind;
    }

    private static void step(List<Op> ops, ListingStore store, long[] latency, AtomicInteger next, CompletableFuture<Void> done) {
        int i = next.getAndIncrement();
        if (i >= ops.size()) {
            done.complete(null);
            return;
        }
        long start = System.nanoTime();
        ops.get(i).call().apply(store).whenComplete((r, e) -> {
            latency[i] = System.nanoTime() - start;
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                step(ops, store, latency, next, done);
            }
        });
    }

    private static void merge(Map<Kind, long[]> into, Map<Kind, long[]> run) {
        run.forEach((kind, values) -> into.merge(kind, values, ShardingBenchmark::merged));
    }

    private static long[] merged(long[] x, long[] y) {
        long[] all = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, all, x.length, y.length);
        return all;
    }

    private static void report(Map<Kind, long[]> unsharded, Map<Kind, long[]> sharded) {
        System.out.printf(Locale.ROOT, "%-10s %7s | %-26s | %-26s | %s%n", "class", "samples",
                "unsharded p50 / p90 / p99", "sharded p50 / p90 / p99", "sharded/unsharded p50, p99");
        for (Kind kind : Kind.values()) {
            long[] a = unsharded.get(kind);
            long[] b = sharded.get(kind);
            Arrays.sort(a);
            Arrays.sort(b);
            System.out.printf(Locale.ROOT, "%-10s %7d | %6.2f / %6.2f / %6.2f ms | %6.2f / %6.2f / %6.2f ms | %.2fx, %.2fx%n",
                    kind.name().toLowerCase(Locale.ROOT), a.length, ms(a, 0.5), ms(a, 0.9), ms(a, 0.99),
                    ms(b, 0.5), ms(b, 0.9), ms(b, 0.99), ms(b, 0.5) / ms(a, 0.5), ms(b, 0.99) / ms(a, 0.99));
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
