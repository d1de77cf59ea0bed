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

    /** Tries to reach Redis at start (each bounded by the command timeout); a start never fails for it. */
    static final int WARM_UP_ATTEMPTS = 5;

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
        // a cold client's first take (connect, class loading, NOSCRIPT then EVAL) outlasted the 250 ms timeout in a
        // manual cluster run and fell back: open the connection and load the script now, a few tries (each bounded
        // by the command timeout), never failing the start
        Exception last = null;
        for (int attempt = 0; attempt < WARM_UP_ATTEMPTS; attempt++) {
            try {
                buckets.warm().toCompletableFuture().get(5, TimeUnit.SECONDS);
                last = null;
                break;
            } catch (Exception e) {
                last = e;
            }
        }
        console.println(last == null
                ? "hexproperty: inquiry rate limits shared in Redis at " + url + " (node-local when it fails)"
                : "hexproperty: inquiry rate limits: Redis at " + url + " not reachable yet (" + Errors.oneLine(last)
                        + "); node-local until it is");
        return InquiryLimiter.shared(limits, buckets, registry);
    }
}
