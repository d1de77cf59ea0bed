package io.hexproperty.caching.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hexproperty.caching.TierMetrics;
import io.hexproperty.caching.distributed.TokenBuckets;
import io.hexproperty.caching.distributed.TokenBucketsContract;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.testing.lane.Redis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token-bucket contract on a three-master Redis Cluster: a multi-key take works because all keys share a slot. */
@Redis
class RedisClusterTokenBucketsTest extends TokenBucketsContract {

    @RegisterExtension
    static final RedisServerExtension cluster = RedisServerExtension.cluster(3);

    private final Vertx vertx = Vertx.vertx();
    private final String prefix = "t-" + UUID.randomUUID();
    private final List<RedisTokenBuckets> opened = new ArrayList<>();

    @BeforeEach
    void clusterIsUp() {
        assumeTrue(cluster.clusterFailure() == null, () -> "Redis Cluster could not be created on this machine: "
                + cluster.clusterFailure());
    }

    @AfterEach
    void close() throws Exception {
        for (RedisTokenBuckets b : opened) {
            b.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    protected TokenBuckets buckets(LongSupplier nanos) {
        RedisTokenBuckets b = RedisTokenBuckets.create(vertx, RedisTierConfig.defaults(cluster.url()).withCluster(true)
                .withKeyPrefix(prefix).withCommandTimeout(Duration.ofSeconds(5)),
                TierMetrics.of(new SimpleMeterRegistry(), "limits", "redis"), nanos);
        opened.add(b);
        return b;
    }
}
