package io.hexproperty.caching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The meters of one cache tier, tagged {@code cache=<name>} and {@code tier=<memory|disk|...>}. Names
 * follow Micrometer's own Caffeine binder ({@code cache.gets{result=hit|miss}}, {@code cache.evictions})
 * so existing dashboards read them; the version-specific meters are additions:
 * <pre>
 * cache.gets{result=hit|miss}              counter
 * cache.loads{result=success|absent|failure} counter
 * cache.load.duration{result=...}          timer
 * cache.evictions{cause=size|expired|collected} counter
 * cache.stale.served                       counter (stale-if-error answers)
 * cache.installs.refused{reason=tombstone|older|slow-load} counter
 * cache.served.age                         timer with a percentile histogram (now - loadedAt)
 * cache.size                               gauge, when the tier registers one
 * </pre>
 * Meters are created once and cached here, so recording is a map lookup at most.
 */
public final class TierMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter hits;
    private final Counter misses;
    private final Counter staleServed;
    private final Timer servedAge;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    private TierMetrics(MeterRegistry registry, String cache, String tier) {
        this.registry = registry;
        this.tags = Tags.of("cache", cache, "tier", tier);
        this.hits = Counter.builder("cache.gets").tags(tags).tag("result", "hit").register(registry);
        this.misses = Counter.builder("cache.gets").tags(tags).tag("result", "miss").register(registry);
        this.staleServed = Counter.builder("cache.stale.served").tags(tags)
                .description("answers served from a stale value because the loader failed").register(registry);
        // explicit buckets on top of the percentile histogram: ages that matter for a TTL of minutes
        this.servedAge = Timer.builder("cache.served.age").tags(tags).publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30),
                        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15))
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
                .description("age of served values: now - loadedAt").register(registry);
        // The usual series exist from the start at 0, so dashboards and rate() see them before the first event.
        counter("cache.loads", "result", "success");
        timer("success");
        counter("cache.evictions", "cause", "size");
        counter("cache.evictions", "cause", "expired");
    }

    private Timer timer(String result) {
        return timers.computeIfAbsent(result, r -> Timer.builder("cache.load.duration").tags(tags).tag("result", r)
                .register(registry));
    }

    public static TierMetrics of(MeterRegistry registry, String cache, String tier) {
        return new TierMetrics(registry, cache, tier);
    }

    /** Meters that go nowhere (a composite registry with no children), for tests and tools. */
    public static TierMetrics noop(String cache, String tier) {
        return new TierMetrics(new CompositeMeterRegistry(), cache, tier);
    }

    public void hit() {
        hits.increment();
    }

    public void miss() {
        misses.increment();
    }

    public void staleServed() {
        staleServed.increment();
    }

    public void servedAge(Duration age) {
        servedAge.record(age.isNegative() ? Duration.ZERO : age);
    }

    public void load(String result, long nanos) {
        counter("cache.loads", "result", result).increment();
        timer(result).record(Duration.ofNanos(nanos));
    }

    public void eviction(String cause) {
        counter("cache.evictions", "cause", cause.toLowerCase(Locale.ROOT)).increment();
    }

    public void refusedInstall(String reason) {
        counter("cache.installs.refused", "reason", reason).increment();
    }

    /** A counter of this tier with one extra tag, e.g. {@code cache.disk.corrupt}. */
    public Counter counter(String name, String tagKey, String tagValue) {
        return counters.computeIfAbsent(name + '|' + tagKey + '=' + tagValue,
                k -> Counter.builder(name).tags(tags).tag(tagKey, tagValue).register(registry));
    }

    public void gauge(String name, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).tags(tags).register(registry);
    }
}
