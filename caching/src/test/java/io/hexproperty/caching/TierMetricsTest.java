package io.hexproperty.caching;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.layers.memory.MemoryTier;
import io.hexproperty.caching.layers.memory.MemoryTierConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@Unit
class TierMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void everyMeterCarriesCacheAndTierTags() {
        TierMetrics metrics = TierMetrics.of(registry, "listings", "memory");
        metrics.hit();
        metrics.miss();
        metrics.load("success", Duration.ofMillis(3).toNanos());
        metrics.eviction("SIZE");
        metrics.staleServed();
        metrics.refusedInstall("tombstone");
        metrics.servedAge(Duration.ofSeconds(2));

        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTag("cache")).as(meter.getId().getName()).isEqualTo("listings");
            assertThat(meter.getId().getTag("tier")).as(meter.getId().getName()).isEqualTo("memory");
        }
        assertThat(registry.get("cache.evictions").tag("cause", "size").counter().count()).isEqualTo(1);
        assertThat(registry.get("cache.load.duration").tag("result", "success").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(3.0);
        assertThat(registry.get("cache.loads").tag("result", "success").counter().count()).isEqualTo(1);
        assertThat(registry.get("cache.installs.refused").tag("reason", "tombstone").counter().count()).isEqualTo(1);
        assertThat(registry.get("cache.stale.served").counter().count()).isEqualTo(1);
    }

    @Test
    void servedAgeIsAHistogramAndNegativeAgesCountAsZero() {
        TierMetrics metrics = TierMetrics.of(registry, "listings", "memory");
        metrics.servedAge(Duration.ofSeconds(-1)); // a loadedAt from a clock slightly ahead of ours
        metrics.servedAge(Duration.ofSeconds(30));
        var timer = registry.get("cache.served.age").timer();
        assertThat(timer.count()).isEqualTo(2);
        var buckets = timer.takeSnapshot().histogramCounts();
        assertThat(buckets).isNotEmpty();
        assertThat(buckets[0].count()).as("<= 1 s holds the clamped negative age").isEqualTo(1.0);
        assertThat(timer.max(TimeUnit.SECONDS)).isEqualTo(30.0);
    }

    @Test
    void theMemoryTierPublishesItsSize() {
        MemoryTier<String, String> tier = MemoryTier.create(MemoryTierConfig.defaults(),
                TierMetrics.of(registry, "listings", "memory"), new FakeTicker(), () -> 0.5, Runnable::run);
        tier.install("a", new CachedValue<>("x", 1, Instant.EPOCH), Set.of());
        assertThat(registry.get("cache.size").gauge().value()).isEqualTo(1.0);
    }
}
