package io.hexproperty.caching.redis;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.TierMetrics;
import io.hexproperty.domain.ListingChange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Listing changes over Redis pub/sub: the low-latency wake-up between nodes. The authoritative, ordered
 * feed stays the PostgreSQL outbox; pub/sub delivers at most once and drops messages while a subscriber
 * is disconnected, so every re-subscription (and every unreadable message) is reported through
 * {@code onReconnect}, wired to {@code ChangeFeedInvalidator::connectionLost}, which flushes.
 * <pre>
 * RedisChangeChannel channel = RedisChangeChannel.create(vertx, config, "hx:listing-changes", metrics);
 * Subscription s = channel.subscribe(invalidator, invalidator::connectionLost);
 * channel.publish(change);       // after the commit; never fails (counted in cache.l2.errors{op=publish})
 * s.close(); channel.close();
 * </pre>
 * In a cluster, PUBLISH reaches subscribers on every node; the subscriber connects to the first endpoint.
 */
public interface RedisChangeChannel {

    /** Publishes after the change committed. Completes normally even when Redis is unavailable. */
    CompletionStage<Void> publish(ListingChange change);

    /**
     * Subscribes on a dedicated connection that reconnects with backoff (50 ms doubling to 2 s) until
     * closed. {@code onChange} and {@code onReconnect} run on a Vert.x event loop: keep them short.
     */
    Subscription subscribe(Consumer<ListingChange> onChange, Runnable onReconnect);

    /** Closes the publishing pool and every subscription. */
    Future<Void> close();

    static RedisChangeChannel create(Vertx vertx, RedisTierConfig config, String channel, TierMetrics metrics) {
        return new PubSubChangeChannel(new RedisEndpoint(vertx, config, metrics, Ticker.systemTicker()), channel);
    }

    interface Subscription extends AutoCloseable {

        /** True while subscribed (SUBSCRIBE confirmed, connection open). */
        boolean subscribed();

        @Override
        void close();
    }
}
