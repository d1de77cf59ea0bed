package io.hexproperty.benchmarks.system;

import io.hexproperty.database.replicas.Node;
import io.hexproperty.database.replicas.ReadStrategy;
import io.hexproperty.database.replicas.ReplicaSet;
import io.hexproperty.database.replicas.RoutedListingStore;
import io.hexproperty.database.replicas.Router;
import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.embedded.EmbeddedDatabase;
import io.hexproperty.database.embedded.EmbeddedReplicas;
import io.hexproperty.database.Migrations;
import io.hexproperty.database.PgListingStore;
import io.hexproperty.database.PgPools;
import io.hexproperty.seed.SeedProgress;
import io.hexproperty.seed.Seeder;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.Signals;
import io.hexproperty.testing.ZipfSampler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Throughput of the read/write split with 0, 1 and 2 embedded replicas on one machine, and the
 * failover timings of the router (detection of a hung and a killed replica and of a lost primary,
 * recovery of a resumed replica, promotion to first accepted write).
 *
 * <p>Workload: closed loop, {@code concurrency} operations in flight, 90% point reads of
 * Zipf-popular listings (s = 0.99) and 10% price updates, for {@code seconds} per configuration.
 * "direct" is a plain PgListingStore on the primary's pool: the router's own cost.
 *
 * <p>Run (see docs/benchmarks/database-replicas.md):
 * {@code java -cp ... io.hexproperty.benchmarks.system.ReplicaBenchmark [listings] [seconds] [concurrency]}
 */
public final class ReplicaBenchmark {
    private static final String AGENT = "bench-agent";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("pool-sizes")) {
            poolSizes(args.length > 1 ? Integer.parseInt(args[1]) : 20_000, args.length > 2 ? Integer.parseInt(args[2]) : 5,
                    args.length > 3 ? Integer.parseInt(args[3]) : 64);
            return;
        }
        int listings = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Path dir = Files.createTempDirectory("hexproperty-replica-bench");
        Vertx vertx = Vertx.vertx();
        try (EmbeddedDatabase primary = EmbeddedDatabase.start(dir, 0)) {
            Migrations.apply(primary.jdbcUrl(), primary.user(), primary.password());
            new Seeder(primary.jdbcUrl(), primary.user(), primary.password()).seed(listings, 42, SeedProgress.none());
            List<ListingKey> keys = keys(primary);
            try (Statement s = DriverManager.getConnection(primary.jdbcUrl(), primary.user(), "").createStatement()) {
                s.execute("UPDATE listings SET list_agent_key = '" + AGENT + "'");
            }
            try (EmbeddedReplicas replicas = EmbeddedReplicas.start(primary, EmbeddedReplicas.Config.of(2))) {
                System.out.printf(Locale.ROOT, "%d listings, %d s per run, %d in flight, 90%% Zipf point reads / 10%% updates, %d cores%n",
                        keys.size(), seconds, concurrency, Runtime.getRuntime().availableProcessors());
                System.out.println("configuration          ops/s    reads/s   p50 ms   p99 ms   reads on replicas");
                Pool direct = PgPools.create(vertx, DatabaseConfig.of(primary.url()).withPoolSize(8));
                // JIT warm-up on the same code paths, not printed: the first configuration would otherwise pay for it.
                run(null, new PgListingStore(direct, Clock.systemUTC()), keys, seconds, concurrency, null, null);
                System.out.println(run("direct (no router)", new PgListingStore(direct, Clock.systemUTC()), keys, seconds, concurrency, null, null));
                direct.close().await(5, TimeUnit.SECONDS);
                for (int n = 0; n <= 2; n++) {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    List<DatabaseConfig> configs = replicas.replicas().subList(0, n).stream().map(r -> DatabaseConfig.of(r.url()).withPoolSize(8)).toList();
                    try (ReplicaSet set = ReplicaSet.start(vertx, DatabaseConfig.of(primary.url()).withPoolSize(8), configs,
                            ReplicaSet.Config.defaults(), registry)) {
                        awaitUntil(() -> set.nodes().stream().allMatch(Node::polled), Duration.ofSeconds(20));
                        Router router = new Router(set, ReadStrategy.lagAware(Duration.ofSeconds(1)), registry);
                        System.out.println(run(n + " replica(s)", new RoutedListingStore(router, Clock.systemUTC()), keys,
                                seconds, concurrency, registry, set));
                    }
                }
                failover(vertx, primary, replicas, keys);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Throughput and latency of one primary against its pool size, routed (gate in front), same workload. */
    private static void poolSizes(int listings, int seconds, int concurrency) throws Exception {
        Path dir = Files.createTempDirectory("hexproperty-pool-bench");
        Vertx vertx = Vertx.vertx();
        try (EmbeddedDatabase primary = EmbeddedDatabase.start(dir, 0)) {
            Migrations.apply(primary.jdbcUrl(), primary.user(), primary.password());
            new Seeder(primary.jdbcUrl(), primary.user(), primary.password()).seed(listings, 42, SeedProgress.none());
            List<ListingKey> keys = keys(primary);
            try (Statement s = DriverManager.getConnection(primary.jdbcUrl(), primary.user(), "").createStatement()) {
                s.execute("UPDATE listings SET list_agent_key = '" + AGENT + "'");
            }
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf(Locale.ROOT, "%d listings, %d s per run, %d in flight, 90%% Zipf point reads / 10%% updates, %d cores%n",
                    keys.size(), seconds, concurrency, cores);
            System.out.println("pool size              ops/s    reads/s   p50 ms   p99 ms   pool wait: mean ms  max ms");
            int[] sizes = {1, 2, cores, 2 * cores + 1, 4 * cores, 16, 32};
            boolean warm = false;
            for (int size : java.util.stream.IntStream.of(sizes).distinct().sorted().toArray()) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                try (ReplicaSet set = ReplicaSet.start(vertx, DatabaseConfig.of(primary.url()).withPoolSize(size).withMaxWaitQueue(1024), List.of(),
                        ReplicaSet.Config.defaults(), registry)) {
                    RoutedListingStore store = new RoutedListingStore(new Router(set, ReadStrategy.roundRobin(), registry),
                            Clock.systemUTC());
                    if (!warm) {
                        run(null, store, keys, seconds, concurrency, null, null);
                        warm = true;
                    }
                    String line = run(String.format(Locale.ROOT, "%-4d%s", size, size == 2 * cores + 1 ? " (2 x cores + 1)" : ""),
                            store, keys, seconds, concurrency, null, null);
                    io.micrometer.core.instrument.Timer wait = registry.get("db.pool.wait").timer();
                    System.out.printf(Locale.ROOT, "%s %10.2f %7.2f%n", line, wait.mean(TimeUnit.MILLISECONDS),
                            wait.max(TimeUnit.MILLISECONDS));
                }
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** The result line (null for an unnamed warm-up run). */
    private static String run(String name, ListingStore store, List<ListingKey> keys, int seconds, int concurrency,
                              SimpleMeterRegistry registry, ReplicaSet set) throws InterruptedException {
        ZipfSampler zipf = ZipfSampler.of(keys.size(), 0.99, 0);
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 5));
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong ops = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[][] latencies = new long[concurrency][];
        CountDownLatch done = new CountDownLatch(concurrency);
        double replicaReadsBefore = replicaReads(registry, set);
        double allReadsBefore = allReads(registry);
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            latencies[w] = new long[1 << 17];
            new Loop(store, keys, zipf, new SplittableRandom(worker), warmupEnd, end, ops, reads, errors, latencies[worker],
                    done).next();
        }
        done.await();
        long[] all = Arrays.stream(latencies).flatMapToLong(l -> Arrays.stream(l).filter(v -> v > 0)).sorted().toArray();
        String share = registry == null ? "-" : String.format(Locale.ROOT, "%.0f%%",
                100 * (replicaReads(registry, set) - replicaReadsBefore) / Math.max(1, allReads(registry) - allReadsBefore));
        if (name == null) {
            return null;
        }
        return String.format(Locale.ROOT, "%-20s %8.0f %10.0f %8.2f %8.2f   %s%s", name, ops.get() / (double) seconds,
                reads.get() / (double) seconds, pct(all, 0.50), pct(all, 0.99), share,
                errors.get() > 0 ? "  (" + errors.get() + " errors)" : "");
    }

    /** One in-flight slot of the closed loop: the next operation starts when the last completes. */
    private static final class Loop {
        private final ListingStore store;
        private final List<ListingKey> keys;
        private final ZipfSampler zipf;
        private final SplittableRandom random;
        private final long warmupEnd;
        private final long end;
        private final AtomicLong ops;
        private final AtomicLong reads;
        private final AtomicLong errors;
        private final long[] latencies;
        private final CountDownLatch done;
        private int recorded;

        Loop(ListingStore store, List<ListingKey> keys, ZipfSampler zipf, SplittableRandom random, long warmupEnd, long end,
             AtomicLong ops, AtomicLong reads, AtomicLong errors, long[] latencies, CountDownLatch done) {
            this.store = store;
            this.keys = keys;
            this.zipf = zipf;
            this.random = random;
            this.warmupEnd = warmupEnd;
            this.end = end;
            this.ops = ops;
            this.reads = reads;
            this.errors = errors;
            this.latencies = latencies;
            this.done = done;
        }

        void next() {
            long start = System.nanoTime();
            if (start >= end) {
                done.countDown();
                return;
            }
            ListingKey key = keys.get(zipf.rank(random));
            boolean read = random.nextInt(10) != 0;
            CompletionStage<?> op = read ? store.find(key)
                    : store.update(key, new ListingPatch(null, Money.usd(100_000 + random.nextInt(900_000)), null, null, null,
                    null, null, null), OptionalLong.empty(), AGENT);
            op.whenComplete((v, e) -> {
                if (e != null && errors.get() < 3) {
                    System.err.println("operation failed: " + e);
                }
                long now = System.nanoTime();
                if (start >= warmupEnd) {
                    if (e != null) {
                        errors.incrementAndGet();
                    } else {
                        ops.incrementAndGet();
                        if (read) {
                            reads.incrementAndGet();
                        }
                        if (recorded < latencies.length) {
                            latencies[recorded++] = now - start;
                        }
                    }
                }
                try {
                    if (e != null) {
                        // A fast failure completes synchronously: recursing here would overflow the stack.
                        java.util.concurrent.ForkJoinPool.commonPool().execute(this::next);
                    } else {
                        next();
                    }
                } catch (Throwable t) {
                    System.err.println("loop died: " + t);
                    done.countDown();
                }
            });
        }
    }

    private static void failover(Vertx vertx, EmbeddedDatabase primary, EmbeddedReplicas replicas, List<ListingKey> keys)
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<DatabaseConfig> configs = replicas.replicas().stream().map(r -> DatabaseConfig.of(r.url()).withPoolSize(8)).toList();
        try (ReplicaSet set = ReplicaSet.start(vertx, DatabaseConfig.of(primary.url()).withPoolSize(8), configs, ReplicaSet.Config.defaults(),
                registry)) {
            awaitUntil(() -> set.nodes().stream().allMatch(n -> n.up() && n.polled()), Duration.ofSeconds(20));
            RoutedListingStore store = new RoutedListingStore(new Router(set, ReadStrategy.lagAware(Duration.ofSeconds(1)), registry),
                    Clock.systemUTC());
            Node r1 = set.nodes().get(1);
            Node r2 = set.nodes().get(2);
            Node p = set.nodes().get(0);
            Background reads = new Background(store, keys);
            System.out.println();
            System.out.println("failover (health interval 200 ms, timeout 300 ms, read timeout 1 s; reads running throughout)");
            System.out.println("event                                         ms");
            for (int i = 1; i <= 5; i++) {
                long t0 = System.nanoTime();
                Signals.signalTree(replicas.replicas().get(0).postgresPid(), "STOP");
                awaitUntil(() -> !r1.up(), Duration.ofSeconds(10));
                long detected = System.nanoTime();
                Signals.signalTree(replicas.replicas().get(0).postgresPid(), "CONT");
                awaitUntil(r1::up, Duration.ofSeconds(10));
                long back = System.nanoTime();
                System.out.printf(Locale.ROOT, "replica hung (SIGSTOP) -> ejected, run %d     %6.0f%n", i, ms(detected - t0));
                System.out.printf(Locale.ROOT, "replica resumed (SIGCONT) -> back, run %d    %6.0f%n", i, ms(back - detected));
                awaitUntil(() -> false, Duration.ofMillis(500), true);
            }
            long t0 = System.nanoTime();
            Signals.signalTree(replicas.replicas().get(1).postgresPid(), "KILL");
            awaitUntil(() -> !r2.up(), Duration.ofSeconds(10));
            System.out.printf(Locale.ROOT, "replica killed (SIGKILL) -> ejected            %6.0f%n", ms(System.nanoTime() - t0));
            t0 = System.nanoTime();
            Signals.signalTree(primary.postgresPid(), "KILL");
            awaitUntil(() -> !p.up(), Duration.ofSeconds(10));
            long detected = System.nanoTime();
            System.out.printf(Locale.ROOT, "primary killed -> writes refused (fail fast)   %6.0f%n", ms(detected - t0));
            long refusedStart = System.nanoTime();
            try {
                store.create(ListingDrafts.draft().listingId("REFUSED").build(), AGENT).toCompletableFuture().join();
            } catch (Exception expected) {
                System.out.printf(Locale.ROOT, "  a refused write fails in                     %6.2f%n", ms(System.nanoTime() - refusedStart));
            }
            t0 = System.nanoTime();
            set.promote(r1).toCompletableFuture().join();
            store.create(ListingDrafts.draft().listingId("PROMOTED").build(), AGENT).toCompletableFuture().join();
            System.out.printf(Locale.ROOT, "promote(replica-1) -> first write accepted     %6.0f%n", ms(System.nanoTime() - t0));
            reads.stop();
            System.out.printf(Locale.ROOT, "reads during all of the above: %d, client errors: %d%n", reads.done.get(), reads.errors.get());
        }
    }

    /** Point reads in a loop on 4 slots, counting failures a client would see. */
    private static final class Background {
        final AtomicLong done = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        private volatile boolean stopped;

        Background(RoutedListingStore store, List<ListingKey> keys) {
            for (int i = 0; i < 4; i++) {
                SplittableRandom random = new SplittableRandom(i);
                loop(store, keys, random);
            }
        }

        private void loop(RoutedListingStore store, List<ListingKey> keys, SplittableRandom random) {
            if (stopped) {
                return;
            }
            store.find(keys.get(random.nextInt(keys.size()))).whenComplete((v, e) -> {
                done.incrementAndGet();
                if (e != null) {
                    errors.incrementAndGet();
                }
                loop(store, keys, random);
            });
        }

        void stop() {
            stopped = true;
        }
    }

    private static List<ListingKey> keys(EmbeddedDatabase db) throws Exception {
        List<ListingKey> keys = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT listing_key FROM listings ORDER BY listing_key")) {
            while (rs.next()) {
                keys.add(new ListingKey(rs.getString(1)));
            }
        }
        return keys;
    }

    private static double replicaReads(SimpleMeterRegistry registry, ReplicaSet set) {
        if (registry == null) {
            return 0;
        }
        return registry.find("db.reads").counters().stream().filter(c -> c.getId().getTag("node").startsWith("replica"))
                .mapToDouble(c -> c.count()).sum();
    }

    private static double allReads(SimpleMeterRegistry registry) {
        return registry == null ? 0 : registry.find("db.reads").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static void awaitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        awaitUntil(condition, timeout, false);
    }

    /** Polls every millisecond (a benchmark measures the moment; tests use Awaitility). */
    private static void awaitUntil(BooleanSupplier condition, Duration timeout, boolean timeoutIsFine) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                if (timeoutIsFine) {
                    return;
                }
                throw new IllegalStateException("condition not met within " + timeout);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // 1 ms poll of a measurement, not a test wait
        }
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

}
