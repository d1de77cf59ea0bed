package io.hexproperty.caching.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@Unit
class ThrottledLogTest {

    @Test
    void writesAtMostOneLinePerInterval() {
        FakeTicker ticker = new FakeTicker();
        ThrottledLog log = new ThrottledLog(LoggerFactory.getLogger(ThrottledLogTest.class), ticker, Duration.ofSeconds(10));
        IllegalStateException cause = new IllegalStateException("connection refused");
        assertThat(log.warn("redis down", cause)).isTrue();
        for (int i = 0; i < 100; i++) {
            assertThat(log.warn("redis down", cause)).isFalse();
        }
        ticker.advance(Duration.ofSeconds(9));
        assertThat(log.warn("redis down", cause)).isFalse();
        ticker.advance(Duration.ofSeconds(1));
        assertThat(log.warn("redis down", cause)).isTrue();
        assertThat(log.warn("redis down", cause)).isFalse();
    }
}
