package io.hexproperty.caching.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.distributed.TokenBuckets;
import io.hexproperty.caching.distributed.TokenBuckets.Bucket;
import io.hexproperty.caching.distributed.TokenBucketsContract;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.testing.lane.Redis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token-bucket contract on a real redis-server, plus what only shared buckets do: one allowance for all nodes. */
@Redis
class RedisTokenBucketsTest extends TokenBucketsContract {

    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private final Vertx vertx = Vertx.vertx();
    private final String prefix = "t-" + UUID.randomUUID();
    private final List<RedisTokenBuckets> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (RedisTokenBuckets b : opened) {
            b.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A "node": its own client and pool on the same Redis and key prefix. */
    private RedisTokenBuckets node(LongSupplier nanos) {
        RedisTokenBuckets b = RedisTokenBuckets.create(vertx, RedisTierConfig.defaults(redis.url()).withKeyPrefix(prefix)
                .withCommandTimeout(Duration.ofSeconds(5)), TierMetrics.of(new SimpleMeterRegistry(), "limits", "redis"), nanos);
        opened.add(b);
        return b;
    }

    @Override
    protected TokenBuckets buckets(LongSupplier nanos) {
        return node(nanos);
    }

    @Test
    void threeNodesShareOneAllowanceUnderConcurrentTakes() throws Exception {
        List<RedisTokenBuckets> nodes = List.of(node(now::get), node(now::get), node(now::get));
        Bucket client = new Bucket("client:203.0.113.7", 10, Duration.ofHours(1));
        List<CompletionStage<TokenBuckets.Verdict>> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(nodes.get(i % 3).take(List.of(client)));
        }
        int granted = 0;
        for (var stage : all) {
            granted += stage.toCompletableFuture().get(10, TimeUnit.SECONDS).granted() ? 1 : 0;
        }
        assertThat(granted).as("10 per client across the cluster, not 10 per node").isEqualTo(10);
    }

    @Test
    void aSlowRedisFailsTheTakeAtTheCommandTimeoutAndTheNodeDecidesWithItsOwnBuckets() throws Exception {
        RedisTokenBuckets slow = RedisTokenBuckets.create(vertx, RedisTierConfig.defaults(redis.url()).withKeyPrefix(prefix)
                .withCommandTimeout(Duration.ofMillis(200)), TierMetrics.of(new SimpleMeterRegistry(), "limits", "redis"), now::get);
        opened.add(slow);
        java.util.concurrent.atomic.AtomicInteger fallbacks = new java.util.concurrent.atomic.AtomicInteger();
        TokenBuckets buckets = TokenBuckets.sharedOrLocal(slow, TokenBuckets.local(100, now::get), fallbacks::incrementAndGet);
        Bucket b = new Bucket("client:slow", 100, Duration.ofHours(1));
        var sleeping = redis.cliAsync("DEBUG", "SLEEP", "3");
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    buckets.take(List.of(b)).toCompletableFuture().get(10, TimeUnit.SECONDS).granted() && fallbacks.get() > 0);
        } finally {
            sleeping.get(30, TimeUnit.SECONDS);
        }
        int before = fallbacks.get();
        assertThat(buckets.take(List.of(b)).toCompletableFuture().get(10, TimeUnit.SECONDS).granted()).isTrue();
        assertThat(fallbacks).as("awake again: Redis decides").hasValue(before);
    }

    @Test
    void warmingLoadsTheScriptSoTheFirstTakeNeedsNoEval() throws Exception {
        redis.cli("SCRIPT", "FLUSH");
        assertThat(redis.cli("SCRIPT", "EXISTS", ScriptedTokenBuckets.TAKE.sha1())).isEqualTo("0");
        node(now::get).warm().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(redis.cli("SCRIPT", "EXISTS", ScriptedTokenBuckets.TAKE.sha1())).isEqualTo("1");
    }

    @Test
    void bucketsLiveUnderOneHashTagAndExpireAfterTheirPeriod() throws Exception {
        TokenBuckets b = node(now::get);
        b.take(List.of(new Bucket("listing:TX1", 3, Duration.ofMinutes(10)))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String key = "{" + prefix + ":rl}:listing:TX1";
        assertThat(redis.cli("HGET", key, "tokens")).isEqualTo("2");
        long ttl = Long.parseLong(redis.cli("PTTL", key));
        assertThat(ttl).isBetween(1L, Duration.ofMinutes(10).plusSeconds(1).toMillis());
    }
}
