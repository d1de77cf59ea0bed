package io.hexproperty.caching.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@Unit
class InProcessDistributedTierTest extends DistributedTierContract {

    private final FakeTicker ticker = new FakeTicker();

    @Override
    protected DistributedTier<String, String> tier() {
        return DistributedTier.inProcess(1_000, Duration.ofSeconds(30), ticker);
    }

    @Test
    void valuesExpireAfterTheirTtlAndTombstonesAfterTheWindow() {
        DistributedTier<String, String> tier = tier();
        tier.putIfNewer("a", new CachedValue<>("a1", 1, Instant.EPOCH), Duration.ofSeconds(10));
        ticker.advance(Duration.ofSeconds(11));
        assertThat(tier.get("a").toCompletableFuture().join()).isEmpty();

        tier.invalidate("b", 5);
        ticker.advance(Duration.ofSeconds(31));
        assertThat(tier.putIfNewer("b", new CachedValue<>("b4", 4, Instant.EPOCH), Duration.ofSeconds(10))
                .toCompletableFuture().join().installed()).isTrue();
    }
}
