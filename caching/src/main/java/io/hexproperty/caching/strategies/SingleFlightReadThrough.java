package io.hexproperty.caching.strategies;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.VersionedLoader;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTier.Entry;
import io.hexproperty.caching.layers.memory.MemoryTier.LoadTicket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-flight read-through.
 *
 * <p>Design. In-flight loads live in a ConcurrentHashMap key -> {@link Flight}. A miss joins the
 * key's flight or publishes its own with {@code putIfAbsent}/{@code replace}; the loader is called
 * after publication, outside any lock, and it returns a stage, so no thread waits on a monitor while
 * the source is read: there is no {@code synchronized} and no {@code computeIfAbsent} around the
 * loader, hence no virtual-thread pinning and no map-bin contention while loading.
 *
 * <p>Correctness against invalidations. A flight carries the tier's {@link LoadTicket} taken before
 * the loader ran. A reader joins a flight only if no invalidation of the key happened since that ticket
 * ({@code tier.invalidatedSince}); otherwise it replaces the flight with a new one, so a read that
 * starts after an invalidation never receives a value read before it. The tier refuses to install a
 * result the invalidation made stale (tombstone check at install), and the readers that joined before
 * the invalidation get the value they were concurrent with. A source can also answer with a version
 * below one the node knew before the flight began (a lagging replica, an L2 that has not seen the
 * change yet), so the loader is told that version (the flight's floor) and must answer from a copy that
 * has it, the origin at worst ({@link VersionedLoader}). Every reader of a flight started after the
 * change it knows of, so a result below the floor is never served: the load is retried and, should a
 * loader break its contract, the get fails with {@link StaleLoadException} rather than move readers
 * back in time.
 *
 * <p>Refresh-ahead is XFetch (Vattani et al., "Optimal Probabilistic Cache Stampede Prevention"): a
 * hit refreshes early when {@code now - delta * beta * ln(rand) >= expiry}, delta being the last load
 * time, so slow loads refresh earlier and few readers refresh at once. The refresh is an ordinary
 * flight, so concurrent early refreshes also collapse into one.
 */
final class SingleFlightReadThrough<K, V> implements ReadThrough<K, V> {

    private static final Logger log = LoggerFactory.getLogger(SingleFlightReadThrough.class);

    private final MemoryTier<K, V> tier;
    private final VersionedLoader<K, V> loader;
    private final BiFunction<K, V, Set<String>> tags;
    private final double beta;
    private final int staleLoadRetries;
    private final DoubleSupplier uniform;
    private final Clock clock;
    private final TierMetrics metrics;
    private final ConcurrentHashMap<K, Flight<V>> inFlight = new ConcurrentHashMap<>();

    private final int ageSampleMask;

    SingleFlightReadThrough(MemoryTier<K, V> tier, VersionedLoader<K, V> loader,
                            BiFunction<K, V, Set<String>> tags, double beta, int staleLoadRetries,
                            DoubleSupplier uniform, Clock clock, TierMetrics metrics, int ageSampleMask) {
        this.ageSampleMask = ageSampleMask;
        this.staleLoadRetries = staleLoadRetries;
        this.tier = tier;
        this.loader = loader;
        this.tags = tags;
        this.beta = beta;
        this.uniform = uniform;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** {@code floor}: the version a result must reach; below it, the load read from before a known change. */
    private record Flight<V>(LoadTicket ticket, long floor, CompletableFuture<Optional<CachedValue<V>>> result) {}

    @Override
    public CompletionStage<Optional<CachedValue<V>>> get(K key) {
        Optional<CachedValue<V>> fresh = getIfFresh(key);
        if (fresh.isPresent()) {
            return CompletableFuture.completedFuture(fresh);
        }
        metrics.miss();
        return flight(key).result().handle((loaded, error) -> {
            if (error == null) {
                loaded.ifPresent(this::recordAge);
                return loaded;
            }
            Optional<Entry<V>> stale = tier.entry(key);
            if (stale.isPresent()) {
                metrics.staleServed();
                recordAge(stale.get().value());
                log.debug("serving stale {} v{} after load failure: {}", key, stale.get().value().version(),
                        error.toString());
                return Optional.of(stale.get().value());
            }
            throw error instanceof CompletionException ce ? ce : new CompletionException(error);
        });
    }

    @Override
    public Optional<CachedValue<V>> getIfFresh(K key) {
        Optional<Entry<V>> entry = tier.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        long now = tier.ticker().read();
        Entry<V> e = entry.get();
        if (!e.isFresh(now)) {
            return Optional.empty();
        }
        metrics.hit();
        // The served-age histogram is a distribution, so a sample of hits describes it as well as every
        // hit does, at a fraction of the cost on the hottest path (JMH: docs/benchmarks/jmh.md).
        if ((java.util.concurrent.ThreadLocalRandom.current().nextInt() & ageSampleMask) == 0) {
            recordAge(e.value());
        }
        if (shouldRefreshEarly(e, now) && !inFlight.containsKey(key)) {
            metrics.counter("cache.refreshes", "trigger", "xfetch").increment();
            flight(key);
        }
        return Optional.of(e.value());
    }

    @Override
    public MemoryTier<K, V> tier() {
        return tier;
    }

    private boolean shouldRefreshEarly(Entry<V> e, long now) {
        if (beta == 0 || e.loadNanos() == 0) {
            return false;
        }
        // P(refresh) = exp(-(freshUntil - now) / (delta * beta)); beyond 40 of those units it is below
        // 1e-17, so skip the draw and the logarithm: the usual case of a hot key far from expiry.
        double scale = e.loadNanos() * beta;
        if (e.freshUntilNanos() - now > 40 * scale) {
            return false;
        }
        double rand = 1.0 - uniform.getAsDouble(); // (0, 1], so ln is finite and <= 0
        return now - e.loadNanos() * beta * Math.log(rand) >= e.freshUntilNanos();
    }

    private Flight<V> flight(K key) {
        while (true) {
            Flight<V> current = inFlight.get(key);
            if (current != null && !tier.invalidatedSince(key, current.ticket())) {
                return current;
            }
            LoadTicket ticket = tier.beginLoad();
            Flight<V> mine = new Flight<>(ticket, tier.minimumVersion(key), new CompletableFuture<>());
            boolean won = current == null ? inFlight.putIfAbsent(key, mine) == null : inFlight.replace(key, current, mine);
            if (won) {
                load(key, mine, ticket, 1);
                return mine;
            }
        }
    }

    private void load(K key, Flight<V> flight, LoadTicket ticket, int attempt) {
        CompletionStage<Optional<CachedValue<V>>> stage;
        try {
            stage = loader.load(key, flight.floor());
            if (stage == null) {
                throw new NullPointerException("loader returned a null stage for " + key);
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((loaded, error) -> {
            try {
                settle(key, flight, ticket, attempt, loaded, error);
            } catch (RuntimeException e) {
                finish(key, flight, null, e); // a flight must always end, or its key would stay stuck
            }
        });
    }

    private void settle(K key, Flight<V> flight, LoadTicket ticket, int attempt, Optional<CachedValue<V>> loaded,
                        Throwable error) {
        long nanos = tier.ticker().read() - ticket.startNanos();
        if (error == null && loaded == null) {
            error = new NullPointerException("loader returned a null Optional for " + key);
        }
        if (error != null) {
            metrics.load("failure", nanos);
            finish(key, flight, null, error);
            return;
        }
        if (loaded.isEmpty()) {
            metrics.load("absent", nanos);
            finish(key, flight, loaded, null);
            return;
        }
        CachedValue<V> value = loaded.get();
        if (value.version() < flight.floor()) {
            // older than a change this node had seen before the flight began (lagging replica or L2):
            // every reader of this flight started after that change, so none may get it
            metrics.load("stale", nanos);
            if (attempt <= staleLoadRetries) {
                load(key, flight, tier.beginLoad(), attempt + 1);
            } else {
                finish(key, flight, null, new StaleLoadException(key, value.version(), flight.floor(), attempt));
            }
            return;
        }
        metrics.load("success", nanos);
        tier.install(key, value, tags.apply(key, value.value()), ticket);
        finish(key, flight, loaded, null);
    }

    private void finish(K key, Flight<V> flight, Optional<CachedValue<V>> loaded, Throwable error) {
        inFlight.remove(key, flight);
        if (error != null) {
            flight.result().completeExceptionally(error);
        } else {
            flight.result().complete(loaded);
        }
    }

    private void recordAge(CachedValue<V> value) {
        metrics.servedAge(Duration.between(value.loadedAt(), clock.instant()));
    }
}
