package io.hexproperty.app;

import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.redis.RedisTierConfig;
import io.hexproperty.caching.redis.RedisTokenBuckets;
import io.hexproperty.http.InquiryLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The inquiry rate limits of a node: in Redis when {@code --redis-url} is set (one allowance per client and
 * per listing for every node, node-local buckets when Redis fails), else node-local (each of N nodes gives
 * a client its full allowance: N times in total). ADR 0025.
 */
final class InquiryLimitWiring {
    /** A take waits this long for Redis before this node decides alone (an inquiry is not worth a long wait). */
    static final Duration REDIS_TIMEOUT = Duration.ofMillis(250);

    private InquiryLimitWiring() {}

    static InquiryLimiter start(ServeConfig config, InquiryLimiter.Config limits, Vertx vertx, MeterRegistry registry,
                                Closer closer, PrintStream console) {
        String url = config.caches().redisUrl();
        if (url == null || url.isBlank()) {
            return InquiryLimiter.local(limits, registry);
        }
        // its own small pool: rate limits work with --no-cache too, and never queue behind cache traffic
        RedisTokenBuckets buckets = RedisTokenBuckets.create(vertx, RedisTierConfig.defaults(url).withPoolSize(2)
                .withCommandTimeout(REDIS_TIMEOUT), TierMetrics.of(registry, "inquiry-limits", "redis"));
        closer.add("Redis inquiry limits", () -> buckets.close().await(5, TimeUnit.SECONDS));
        console.println("hexproperty: inquiry rate limits shared in Redis at " + url + " (node-local when it fails)");
        return InquiryLimiter.shared(limits, buckets, registry);
    }
}
