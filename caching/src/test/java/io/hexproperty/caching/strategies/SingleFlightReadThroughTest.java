package io.hexproperty.caching.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.FakeTicker;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

@Unit
class SingleFlightReadThroughTest {

    private final FakeTicker ticker = new FakeTicker();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TierMetrics metrics = TierMetrics.of(registry, "listings", "memory");
    private final MemoryTierConfig config = MemoryTierConfig.defaults().withTtl(Duration.ofSeconds(60), 0)
            .withStaleIfError(Duration.ofSeconds(30));
    private final MemoryTier<String, String> tier =
            MemoryTier.create(config, metrics, ticker, () -> 0.5, Runnable::run);
    private final AtomicInteger loaderCalls = new AtomicInteger();

    private static CachedValue<String> v(String value, long version) {
        return new CachedValue<>(value, version, Instant.EPOCH);
    }

    private ReadThrough<String, String> readThrough(Function<String, CompletionStage<Optional<CachedValue<String>>>> loader) {
        return ReadThrough.<String, String>builder(tier, key -> {
                    loaderCalls.incrementAndGet();
                    return loader.apply(key);
                })
                .metrics(metrics)
                .servedAgeSampling(1)
                .clock(Clock.fixed(Instant.EPOCH.plusSeconds(5), ZoneOffset.UTC))
                .uniform(() -> 0.5)
                .build();
    }

    private double count(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aThousandConcurrentMissesShareOneLoad() throws Exception {
        CompletableFuture<Optional<CachedValue<String>>> gate = new CompletableFuture<>();
        ReadThrough<String, String> cache = readThrough(key -> gate);
        int callers = 1000;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch issued = new CountDownLatch(callers);
        ConcurrentLinkedQueue<CompletionStage<Optional<CachedValue<String>>>> answers = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(64);
        try {
            for (int i = 0; i < callers; i++) {
                threads.execute(() -> {
                    try {
                        start.await();
                        answers.add(cache.get("cold"));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        issued.countDown();
                    }
                });
            }
            start.countDown();
            assertThat(issued.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(loaderCalls).hasValue(1);

            gate.complete(Optional.of(v("listing", 3)));

            assertThat(answers).hasSize(callers);
            for (var answer : answers) {
                assertThat(answer.toCompletableFuture().join()).contains(v("listing", 3));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(loaderCalls).hasValue(1);
        assertThat(cache.get("cold").toCompletableFuture().join()).contains(v("listing", 3));
        assertThat(loaderCalls).as("now a hit").hasValue(1);
        assertThat(count("cache.gets", "result", "miss")).isEqualTo(callers);
        assertThat(count("cache.gets", "result", "hit")).isEqualTo(1);
        assertThat(count("cache.loads", "result", "success")).isEqualTo(1);
    }

    @Test
    void aLoadOvertakenByAnInvalidationIsNotInstalledAndNotSharedWithLaterReaders() {
        List<CompletableFuture<Optional<CachedValue<String>>>> loads = new ArrayList<>();
        ReadThrough<String, String> cache = readThrough(key -> {
            var f = new CompletableFuture<Optional<CachedValue<String>>>();
            loads.add(f);
            return f;
        });
        var early = cache.get("a").toCompletableFuture();
        tier.invalidate("a", 2); // the source moved to v2 while v1 was being read
        var late = cache.get("a").toCompletableFuture();

        assertThat(loads).as("the late reader did not join the overtaken flight").hasSize(2);
        loads.get(0).complete(Optional.of(v("a1", 1)));
        assertThat(early.join()).contains(v("a1", 1));
        assertThat(tier.entry("a")).as("stale result refused at install").isEmpty();
        assertThat(late).isNotDone();

        loads.get(1).complete(Optional.of(v("a2", 2)));
        assertThat(late.join()).contains(v("a2", 2));
        assertThat(tier.entry("a").orElseThrow().value().version()).isEqualTo(2);
        assertThat(count("cache.installs.refused", "reason", "tombstone")).isEqualTo(1);
    }

    @Test
    void servesStaleWithinTheStaleWindowWhenTheLoaderFails() {
        AtomicInteger attempt = new AtomicInteger();
        ReadThrough<String, String> cache = readThrough(key -> attempt.getAndIncrement() == 0
                ? CompletableFuture.completedFuture(Optional.of(v("a1", 1)))
                : CompletableFuture.failedFuture(new IllegalStateException("database down")));
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("a1", 1));

        ticker.advance(Duration.ofSeconds(61)); // expired, within the 30 s stale window
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("a1", 1));
        assertThat(registry.find("cache.stale.served").counter().count()).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(30)); // beyond the stale window
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasRootCauseMessage("database down");
        assertThat(count("cache.loads", "result", "failure")).isEqualTo(2);
    }

    @Test
    void neverServesStaleAfterAnInvalidationEvenWhenTheLoaderFails() {
        AtomicInteger attempt = new AtomicInteger();
        ReadThrough<String, String> cache = readThrough(key -> attempt.getAndIncrement() == 0
                ? CompletableFuture.completedFuture(Optional.of(v("a1", 1)))
                : CompletableFuture.failedFuture(new IllegalStateException("database down")));
        cache.get("a").toCompletableFuture().join();
        tier.invalidate("a", 2);
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join()).hasRootCauseMessage("database down");
    }

    @Test
    void aLoaderThatThrowsFailsTheFlightAndClearsIt() {
        AtomicInteger attempt = new AtomicInteger();
        ReadThrough<String, String> cache = readThrough(key -> {
            if (attempt.getAndIncrement() == 0) {
                throw new IllegalArgumentException("bad key " + key);
            }
            return CompletableFuture.completedFuture(Optional.of(v("a1", 1)));
        });
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join()).hasRootCauseMessage("bad key a");
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("a1", 1));
    }

    @Test
    void absentIsReturnedAndNotCached() {
        ReadThrough<String, String> cache = readThrough(key -> CompletableFuture.completedFuture(Optional.empty()));
        assertThat(cache.get("gone").toCompletableFuture().join()).isEmpty();
        assertThat(cache.get("gone").toCompletableFuture().join()).isEmpty();
        assertThat(loaderCalls).hasValue(2);
        assertThat(count("cache.loads", "result", "absent")).isEqualTo(2);
    }

    @Test
    void xfetchRefreshesEarlyOnlyInsideTheWindowThatTheLoadTimeOpens() {
        // load takes 2 s of ticker time; rand = 1 - 0.5, so the early window is 2 s * 1.0 * ln 2 = 1.386 s
        AtomicInteger version = new AtomicInteger();
        ReadThrough<String, String> cache = readThrough(key -> {
            ticker.advance(Duration.ofSeconds(2));
            int v = version.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.of(v("a" + v, v)));
        });
        cache.get("a").toCompletableFuture().join();
        assertThat(loaderCalls).hasValue(1);
        long ttlLeft = tier.entry("a").orElseThrow().freshUntilNanos() - ticker.read();
        assertThat(ttlLeft).isEqualTo(Duration.ofSeconds(60).toNanos());

        ticker.advance(Duration.ofSeconds(58)); // 2 s before expiry: outside the 1.386 s window
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("a1", 1));
        assertThat(loaderCalls).hasValue(1);

        ticker.advance(Duration.ofMillis(700)); // 1.3 s before expiry: inside
        assertThat(cache.get("a").toCompletableFuture().join()).as("the hit is served at once").contains(v("a1", 1));
        assertThat(loaderCalls).hasValue(2);
        assertThat(tier.entry("a").orElseThrow().value().version()).as("refreshed in the background").isEqualTo(2);
        assertThat(count("cache.refreshes", "trigger", "xfetch")).isEqualTo(1);
    }

    @Test
    void refreshAheadCanBeTurnedOff() {
        ReadThrough<String, String> cache = ReadThrough.<String, String>builder(tier, key -> {
                    loaderCalls.incrementAndGet();
                    ticker.advance(Duration.ofSeconds(2));
                    return CompletableFuture.completedFuture(Optional.of(v("a", 1)));
                }).refreshAheadBeta(0).build();
        cache.get("a").toCompletableFuture().join();
        ticker.advance(Duration.ofMillis(59_999));
        cache.get("a").toCompletableFuture().join();
        assertThat(loaderCalls).hasValue(1);
        assertThatThrownBy(() -> ReadThrough.builder(tier, k -> null).refreshAheadBeta(-1))
                .hasMessageContaining("refreshAheadBeta must be finite and >= 0, was -1.0");
    }

    @Test
    void recordsServedValueAge() {
        ReadThrough<String, String> cache = readThrough(key -> CompletableFuture.completedFuture(Optional.of(v("a", 1))));
        cache.get("a").toCompletableFuture().join();
        cache.get("a").toCompletableFuture().join();
        var age = registry.find("cache.served.age").timer();
        assertThat(age.count()).isEqualTo(2);
        assertThat(age.max(TimeUnit.SECONDS)).isEqualTo(5.0);
    }

    @Test
    void aLoadBelowAKnownVersionIsRetriedAndNeverServed() {
        AtomicInteger attempt = new AtomicInteger();
        ReadThrough<String, String> cache = readThrough(key -> CompletableFuture.completedFuture(Optional.of(
                attempt.getAndIncrement() == 0 ? v("lagging", 4) : v("current", 5))));
        tier.invalidate("a", 5); // processed before the read starts; the first answer comes from a lagging replica
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("current", 5));
        assertThat(loaderCalls).hasValue(2);
        assertThat(count("cache.loads", "result", "stale")).isEqualTo(1);
    }

    @Test
    void aLoadThatStaysStaleFailsWithTheVersionsInvolved() {
        ReadThrough<String, String> cache = readThrough(key -> CompletableFuture.completedFuture(Optional.of(v("lagging", 4))));
        tier.invalidate("a", 6);
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join())
                .hasCauseInstanceOf(StaleLoadException.class)
                .hasMessageContaining("load of a returned version 4 below known version 6 after 3 attempts");
        assertThat(loaderCalls).hasValue(3);
    }

    @Test
    void aLoaderAnsweringNullFailsTheGetInsteadOfHangingTheKey() {
        AtomicInteger attempt = new AtomicInteger();
        ReadThrough<String, String> cache = readThrough(key -> switch (attempt.getAndIncrement()) {
            case 0 -> null;
            case 1 -> CompletableFuture.completedFuture(null);
            default -> CompletableFuture.completedFuture(Optional.of(v("a1", 1)));
        });
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join()).hasRootCauseMessage("loader returned a null stage for a");
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join()).hasRootCauseMessage("loader returned a null Optional for a");
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("a1", 1));
    }

    @Test
    void aTagFunctionThatThrowsFailsTheGetAndFreesTheKey() {
        AtomicInteger attempt = new AtomicInteger();
        ReadThrough<String, String> cache = ReadThrough.<String, String>builder(tier,
                        key -> CompletableFuture.completedFuture(Optional.of(v("a1", 1))))
                .tags((key, value) -> {
                    if (attempt.getAndIncrement() == 0) {
                        throw new IllegalStateException("no city for " + key);
                    }
                    return Set.of();
                })
                .build();
        assertThatThrownBy(() -> cache.get("a").toCompletableFuture().join()).hasRootCauseMessage("no city for a");
        assertThat(cache.get("a").toCompletableFuture().join()).contains(v("a1", 1));
    }
}
