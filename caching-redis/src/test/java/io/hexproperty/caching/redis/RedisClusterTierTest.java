package io.hexproperty.caching.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.InstallOutcome;
import io.hexproperty.caching.distributed.DistributedTier;
import io.hexproperty.caching.distributed.DistributedTierContract;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract against a three-master Redis Cluster, plus keys spread over every node's slots. */
@Redis
class RedisClusterTierTest extends DistributedTierContract {

    @RegisterExtension
    static final RedisServerExtension cluster = RedisServerExtension.cluster(3);

    private final RedisTierFixture fixture = new RedisTierFixture();

    @BeforeEach
    void clusterIsUp() {
        assumeTrue(cluster.clusterFailure() == null, () -> "Redis Cluster could not be created on this machine: "
                + cluster.clusterFailure());
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Override
    protected DistributedTier<String, String> tier() {
        return fixture.open(fixture.config(cluster.url(), true));
    }

    @Test
    void versionRulesHoldForKeysOnEveryNode() throws Exception {
        RedisDistributedTier<String, String> tier = fixture.open(fixture.config(cluster.url(), true));
        for (int i = 0; i < 300; i++) {
            String key = "key-" + i;
            CachedValue<String> v2 = new CachedValue<>(key, 2, Instant.EPOCH);
            assertThat(tier.putIfNewer(key, v2, Duration.ofMinutes(1)).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isEqualTo(InstallOutcome.INSTALLED);
            tier.invalidate(key, 3).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(tier.putIfNewer(key, v2, Duration.ofMinutes(1)).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isEqualTo(InstallOutcome.REFUSED_TOMBSTONE);
            assertThat(tier.lease().tryAcquire(key, Duration.ofMinutes(1)).toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(tier.lease().release(key).toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(fixture.errors("put") + fixture.errors("invalidate") + fixture.errors("lease")).isZero();
        // the keys did spread: every master holds some of the tombstones
        for (String node : cluster.url().split(",")) {
            int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
            assertThat(Integer.parseInt(cluster.cliAt(port, "DBSIZE"))).as("keys on " + node).isPositive();
        }
    }
}
