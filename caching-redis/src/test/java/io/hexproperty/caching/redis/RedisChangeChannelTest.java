package io.hexproperty.caching.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.invalidation.ChangeFeedInvalidator;
import io.hexproperty.caching.invalidation.Invalidator;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Redis
class RedisChangeChannelTest {

    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private final RedisTierFixture fixture = new RedisTierFixture();
    private final List<RedisChangeChannel> channels = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (RedisChangeChannel channel : channels) {
            channel.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private RedisChangeChannel channel(String url, String name) {
        RedisChangeChannel channel = RedisChangeChannel.create(fixture.vertx, fixture.config(url, false), name,
                TierMetrics.of(fixture.registry, "changes", "redis"));
        channels.add(channel);
        return channel;
    }

    private static ListingChange change(long sequence, String city, String state) {
        return new ListingChange(sequence, ListingKey.of("L-" + sequence), sequence * 10,
                sequence % 2 == 0 ? ListingChange.Kind.DELETE : ListingChange.Kind.UPSERT, city, state,
                0x872830828ffffffL, Instant.parse("2026-11-25T21:53:04.123456789Z"));
    }

    /** Records versioned invalidations per key and counts flushes. */
    private static final class RecordingInvalidator implements Invalidator<ListingKey> {
        final Map<ListingKey, Long> versions = new ConcurrentHashMap<>();
        final AtomicInteger flushes = new AtomicInteger();

        @Override
        public void invalidate(ListingKey key, long version) {
            versions.merge(key, version, Math::max);
        }

        @Override
        public void invalidate(ListingKey key) {
            versions.put(key, Long.MAX_VALUE);
        }

        @Override
        public void invalidateTag(String tag) {
        }

        @Override
        public void invalidateAll() {
            flushes.incrementAndGet();
        }
    }

    @Test
    void theCompactTextKeepsEveryField() {
        for (ListingChange change : List.of(change(1, "Houston", "TX"), change(2, "a|b%7C%", "x"),
                change(3, null, null))) {
            assertThat(ChangeText.decode(ChangeText.encode(change))).isEqualTo(change);
        }
        assertThat(ChangeText.encode(change(1, "Houston", "TX")))
                .isEqualTo("1|1|L-1|10|U|Houston|TX|608692970719281151|2026-11-25T21:53:04.123456789Z");
        assertThatThrownBy(() -> ChangeText.decode("2|1|L-1")).hasMessageContaining("2|1|L-1");
    }

    @Test
    void changesReachTheInvalidatorInOrderAndAReconnectFlushes() throws Exception {
        String name = "changes-" + System.nanoTime();
        RedisChangeChannel publisher = channel(redis.url(), name);
        RecordingInvalidator listings = new RecordingInvalidator();
        ChangeFeedInvalidator invalidator = new ChangeFeedInvalidator(listings, List.of(), -1);
        List<ListingChange> received = new CopyOnWriteArrayList<>();
        RedisChangeChannel.Subscription subscription = channel(redis.url(), name).subscribe(change -> {
            received.add(change);
            invalidator.accept(change);
        }, invalidator::connectionLost);
        await().atMost(Duration.ofSeconds(10)).until(subscription::subscribed);

        for (long s = 1; s <= 20; s++) {
            publisher.publish(change(s, "Austin", "TX")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 20);
        assertThat(received).extracting(ListingChange::sequence).containsExactly(
                1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(listings.versions).containsEntry(ListingKey.of("L-20"), 200L);
        assertThat(invalidator.flushes()).isZero();

        assertThat(Integer.parseInt(redis.cli("CLIENT", "KILL", "TYPE", "pubsub"))).isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> invalidator.flushes() == 1 && subscription.subscribed());
        publisher.publish(change(21, "Austin", "TX")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listings.versions.containsKey(ListingKey.of("L-21")));
        subscription.close();
        assertThat(subscription.subscribed()).isFalse();
    }

    @Test
    void publishingWithoutRedisCompletesAndIsCounted() throws Exception {
        int unused;
        try (ServerSocket socket = new ServerSocket(0)) {
            unused = socket.getLocalPort();
        }
        RedisChangeChannel channel = channel("redis://127.0.0.1:" + unused, "nowhere");
        assertThat(channel.publish(change(1, "Austin", "TX")).toCompletableFuture().get(30, TimeUnit.SECONDS)).isNull();
        assertThat(fixture.errors("publish")).isEqualTo(1);
    }

    @Test
    void theFirstSubscriptionDoesNotFlush() {
        // first subscription: nothing was missed yet, so no flush; only re-subscriptions flush
        AtomicInteger reconnects = new AtomicInteger();
        RedisChangeChannel.Subscription subscription = channel(redis.url(), "first").subscribe(c -> { }, reconnects::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(subscription::subscribed);
        assertThat(reconnects).hasValue(0);
        subscription.close();
    }
}
