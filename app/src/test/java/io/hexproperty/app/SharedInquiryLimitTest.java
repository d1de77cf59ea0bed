package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.http.InquiryLimiter;
import io.hexproperty.testing.RedisServerExtension;
import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.testing.lane.Redis;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes with {@code --redis-url} (real redis-server, real PostgreSQL, real HTTP) give a client one inquiry
 * allowance between them, not one each; with Redis stopped each node limits on its own buckets (fail to local:
 * neither every inquiry accepted nor every one refused) and counts the fallbacks (ADR 0025).
 */
@Redis
@Postgres
class SharedInquiryLimitTest {
    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.standalone();

    private static final int PER_CLIENT = 4;
    private static TestPlatform p;
    private static Platform one;
    private static Platform two;
    private static List<String> keys;

    @BeforeAll
    static void start() throws Exception {
        p = TestPlatform.get();
        InquiryLimiter.Rate perClient = new InquiryLimiter.Rate(PER_CLIENT, Duration.ofHours(1));
        InquiryLimiter.Config limits = new InquiryLimiter.Config(perClient, new InquiryLimiter.Rate(1_000, Duration.ofHours(1)));
        one = node(limits);
        two = node(limits);
        keys = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=3")).stream().map(j -> j.getString("ListingKey")).toList();
    }

    /** A node on the test platform's database, its Redis this test's, with the cache off: limits need no cache. */
    private static Platform node(InquiryLimiter.Config limits) throws Exception {
        Path root = Files.createTempDirectory("hexproperty-limits");
        ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), p.platform.database().config().url(),
                "postgres", "", 0, 7, false, 2, 8, Duration.ofSeconds(2), root.resolve("token"), false, null);
        config = config.withCaches(config.caches().withRedisUrl(redis.url()));
        Platform node = new Platform(config, new PrintStream(System.out, true)).input(InputConfig.defaults().withInquiries(limits));
        try {
            return node.start();
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        for (Platform node : new Platform[] {one, two}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static int inquire(Platform node, String source, String listingKey) throws IOException {
        try (RawHttp c = RawHttp.connect(node.port(), source)) {
            byte[] body = new JsonObject().put("ListingKey", listingKey).put("name", "Buyer").put("email", "b@b.co")
                    .put("message", "hi").encode().getBytes(StandardCharsets.UTF_8);
            return c.exchange("POST", "/api/v1/inquiries", "application/json", body).status();
        }
    }

    private static double fallbacks(Platform node) {
        Counter c = node.metrics().registry().find("http.inquiries.rate.fallbacks").counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void oneAllowanceForTheClusterWhileRedisAnswersAndTheNodesOwnWhenItDoesNot() throws Exception {
        List<Integer> shared = new ArrayList<>();
        for (int i = 0; i < 2 * PER_CLIENT; i++) {
            shared.add(inquire(i % 2 == 0 ? one : two, "127.0.0.61", keys.get(0)));
        }
        assertThat(shared.stream().filter(s -> s == 201).count()).as("%s", shared).isEqualTo(PER_CLIENT);
        assertThat(shared.subList(PER_CLIENT, 2 * PER_CLIENT)).containsOnly(429);
        assertThat(fallbacks(one)).isZero();
        assertThat(fallbacks(two)).isZero();

        redis.stop();
        try {
            List<Integer> local = new ArrayList<>();
            for (int i = 0; i < PER_CLIENT + 2; i++) {
                local.add(inquire(one, "127.0.0.62", keys.get(1)));
            }
            assertThat(local).as("node one's own buckets: the allowance, then 429").containsExactly(201, 201, 201, 201, 429, 429);
            assertThat(fallbacks(one)).isEqualTo(PER_CLIENT + 2);
            assertThat(inquire(two, "127.0.0.62", keys.get(1))).as("node two's own bucket is separate while Redis is away")
                    .isEqualTo(201);
        } finally {
            redis.start();
        }
        // Redis is back (empty): the shared buckets decide again
        assertThat(inquire(one, "127.0.0.63", keys.get(2))).isEqualTo(201);
        double before = fallbacks(one);
        assertThat(inquire(two, "127.0.0.63", keys.get(2))).isEqualTo(201);
        assertThat(fallbacks(one)).isEqualTo(before);
        // both took from the one bucket in Redis (plus the little the real clock refilled in between)
        assertThat(Double.parseDouble(redis.cli("HGET", "{hx:rl}:client:127.0.0.63", "tokens")))
                .isGreaterThanOrEqualTo(PER_CLIENT - 2).isLessThan(PER_CLIENT - 1);
    }
}
