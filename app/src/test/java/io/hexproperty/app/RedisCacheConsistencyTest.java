package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import io.hexproperty.testing.lane.Redis;
import io.hexproperty.testing.lane.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CacheConsistencyTest} with a real redis-server L2 under every node: three nodes on one
 * PostgreSQL and one Redis, loads delayed 0-3 ms between the database read and the installs, and
 * during the run the change feed's LISTEN connections killed (quarter 1), every Redis client connection
 * killed with CLIENT KILL (quarter 2: the tier's pooled connections; serve's invalidations travel over
 * PostgreSQL, so there are no Redis subscribers of its own, and any pub/sub client is killed as well), and
 * Redis restarted empty (quarter 3: values, tombstones and leases gone). Zero reads older than an
 * invalidation the node had processed, zero errors.
 *
 * <p>{@code -Dhexproperty.consistency.redis.ops=N} sets the number of operations (default 10^5, about
 * a minute here); the longer runs are recorded in docs/benchmarks/caching.md.
 */
@Postgres
@Redis
class RedisCacheConsistencyTest {
    private static final int OPERATIONS = Integer.getInteger("hexproperty.consistency.redis.ops", 100_000);

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.standalone();

    private static TestPlatform a;
    private static final List<Platform> NODES = new ArrayList<>();

    @BeforeAll
    static void start() {
        a = TestPlatform.get();
        UnaryOperator<ServeConfig> withRedis = c -> c.withCaches(c.caches().withRedisUrl(REDIS.url()));
        for (int i = 0; i < 3; i++) {
            NODES.add(a.startNode(CacheConsistencyTest::delayed, withRedis));
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        NODES.forEach(Platform::close);
    }

    @Test
    void noNodeServesAVersionOlderThanAnInvalidationItHasProcessedWithRedisUnderEveryNode() throws Exception {
        List<String> keys = ConsistencyWorkload.createListings(a, "R-", 40);
        double flushesBefore = ConsistencyWorkload.flushes(NODES);
        double[] hitsAfterRestart = new double[1];
        var outcome = ConsistencyWorkload.run(a, NODES, keys, OPERATIONS, 2027, quarter -> {
            switch (quarter) {
                case 1 -> assertThat(ConsistencyWorkload.killListenConnections(a)).isGreaterThanOrEqualTo(3);
                case 2 -> {
                    REDIS.cli("CLIENT", "KILL", "TYPE", "normal");
                    REDIS.cli("CLIENT", "KILL", "TYPE", "pubsub");
                }
                case 3 -> {
                    REDIS.stop();
                    REDIS.start();
                    hitsAfterRestart[0] = redisHits();
                }
                default -> { }
            }
        });
        assertThat(outcome.failures()).as(String.valueOf(outcome.failureSamples())).isZero();
        assertThat(outcome.violations()).isEmpty();
        assertThat(outcome.reads() + outcome.writes()).isEqualTo(OPERATIONS);
        assertThat(outcome.writes()).isGreaterThan(OPERATIONS / 40);
        assertThat(outcome.afterUpdates()).as("reads that followed processed updates").isGreaterThan(OPERATIONS / 2);
        // Killed LISTEN connections are caught up from the outbox after the reconnect (ADR 0016): no flush.
        assertThat(ConsistencyWorkload.flushes(NODES)).as("flushes after killed LISTEN connections").isEqualTo(flushesBefore);
        assertThat(redisHits()).as("Redis answered reads again after its restart").isGreaterThan(hitsAfterRestart[0]);
        System.out.printf("redis consistency run: %d operations (%d reads, %d writes), %d reads after processed updates,"
                + " %.0f Redis hits%n", OPERATIONS, outcome.reads(), outcome.writes(), outcome.afterUpdates(), redisHits());
    }

    private static double redisHits() {
        return ConsistencyWorkload.sum(NODES, "cache.gets", "tier", "redis", "result", "hit");
    }
}
