package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.gateway.Gateway;
import io.hexproperty.balancer.gateway.GatewayConfig;
import io.hexproperty.balancer.gateway.PoolConfig;
import io.hexproperty.balancer.gateway.WorkerPool;
import io.hexproperty.balancer.health.HealthCheck;
import io.hexproperty.http.InquiryLimiter;
import io.hexproperty.http.TrustedProxies;
import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who the client is behind the gateway (ADR 0025), over real HTTP through a real {@link Gateway} to a real worker
 * {@link Platform} on the embedded PostgreSQL. Clients are real source addresses (127.0.0.x: all of 127/8 is
 * loopback on Linux); the worker trusts only 127.0.0.1, the address the gateway connects from, so the other
 * loopback addresses are untrusted clients. The per-client inquiry limit (3 per hour here) is the evidence of
 * which address the worker used.
 */
@Postgres
class ForwardedClientTest {
    private static final String JSON = "application/json";
    private static final int PER_CLIENT = 3;
    private static TestPlatform p;
    private static Platform worker;
    private static Vertx vertx;
    private static WorkerPool pool;
    private static Gateway gateway;
    private static List<String> keys;

    @BeforeAll
    static void start() throws Exception {
        p = TestPlatform.get();
        InquiryLimiter.Rate perClient = new InquiryLimiter.Rate(PER_CLIENT, Duration.ofHours(1));
        InquiryLimiter.Rate perListing = new InquiryLimiter.Rate(1_000, Duration.ofHours(1));
        worker = ConnectionGuardTest.nodeOn(p, InputConfig.defaults().withInquiries(new InquiryLimiter.Config(perClient, perListing))
                .withTrustedProxies(TrustedProxies.parse("127.0.0.1")));
        vertx = Vertx.vertx();
        pool = new WorkerPool(vertx, PoolConfig.defaults(), List.of(HealthCheck.http(vertx, "/health/ready", 200, null)),
                System::nanoTime, Clock.systemUTC());
        gateway = Gateway.start(vertx, GatewayConfig.defaults().withHost("127.0.0.1").withPort(0).withInstances(2), pool,
                LoadBalancer.named("round-robin"), System::nanoTime).await(10, TimeUnit.SECONDS);
        pool.add("worker", URI.create("http://127.0.0.1:" + worker.port()), 1, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.workers().stream().allMatch(w -> w.state().equals("up")));
        keys = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=8")).stream().map(j -> j.getString("ListingKey")).toList();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] inquiry(String listingKey) {
        return new JsonObject().put("ListingKey", listingKey).put("name", "Buyer").put("email", "b@b.co").put("message", "hi")
                .encode().getBytes(StandardCharsets.UTF_8);
    }

    /** Inquiries from {@code source} to {@code port}, one connection each, with {@code headers}; their statuses. */
    private static List<Integer> inquire(int port, String source, int count, String listingKey, String... headers) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (RawHttp c = RawHttp.connect(port, source)) {
                RawHttp.Response r = c.exchange("POST", "/api/v1/inquiries", JSON, inquiry(listingKey), headers);
                if (r.status() == 429) {
                    assertThat(new JsonObject(r.body()).getString("detail")).contains("from one client");
                }
                statuses.add(r.status());
            }
        }
        return statuses;
    }

    private static List<Integer> expected(int created, int limited) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < created; i++) {
            list.add(201);
        }
        for (int i = 0; i < limited; i++) {
            list.add(429);
        }
        return list;
    }

    @Test
    void twoClientsBehindTheGatewayHaveTwoBucketsTheAddressTheGatewayAppended() throws Exception {
        // without forwarding both would be the gateway's 127.0.0.1 to the worker: one bucket of 3 for everyone
        assertThat(inquire(gateway.port(), "127.0.0.51", PER_CLIENT + 1, keys.get(0))).isEqualTo(expected(PER_CLIENT, 1));
        assertThat(inquire(gateway.port(), "127.0.0.52", PER_CLIENT + 1, keys.get(0)))
                .as("the second client is not refused for the first one's inquiries").isEqualTo(expected(PER_CLIENT, 1));
    }

    @Test
    void aClientCannotEscapeItsBucketBySendingXForwardedForThroughTheGateway() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < PER_CLIENT + 2; i++) {
            // a new made-up address every time: the gateway appends the real one, the worker reads from the right
            statuses.addAll(inquire(gateway.port(), "127.0.0.53", 1, keys.get(1), "X-Forwarded-For", "203.0.113." + (i + 1)));
        }
        assertThat(statuses).isEqualTo(expected(PER_CLIENT, 2));
    }

    @Test
    void anUntrustedPeerIsItsOwnClientWhateverItsXForwardedForSays() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < PER_CLIENT + 2; i++) {
            statuses.addAll(inquire(worker.port(), "127.0.0.54", 1, keys.get(2), "X-Forwarded-For", "198.51.100." + (i + 1)));
        }
        assertThat(statuses).as("straight to the worker, spoofing").isEqualTo(expected(PER_CLIENT, 2));
    }

    @Test
    void aTrustedPeerGetsABucketPerForwardedClient() throws Exception {
        // another proxy on 127.0.0.1 in front of the worker: the clients it names are told apart
        assertThat(inquire(worker.port(), "127.0.0.1", PER_CLIENT + 1, keys.get(3), "X-Forwarded-For", "192.0.2.10"))
                .isEqualTo(expected(PER_CLIENT, 1));
        assertThat(inquire(worker.port(), "127.0.0.1", 1, keys.get(3), "X-Forwarded-For", "192.0.2.11, 127.0.0.1"))
                .as("a chain: the right-most untrusted entry").isEqualTo(expected(1, 0));
        assertThat(inquire(worker.port(), "127.0.0.1", 1, keys.get(3), "X-Forwarded-For", "[2001:db8::10]:4711"))
                .isEqualTo(expected(1, 0));
    }

    @Test
    void hostileXForwardedForNeverGetsA5xx() throws Exception {
        String huge = "1.2.3.4, ".repeat(700); // ~6 KB: under the server's header limit, over the resolver's cap
        String enormous = "x".repeat(20_000);  // over every header limit
        String[] hostile = {huge, enormous, "unknown", "_hidden, ;;;", "[::1", "999.1.1.1", "1.2.3.4:99999999", "%00%0d%0a",
                "\u00e9\u00e9", ",,,,", "[" + "f".repeat(60) + "]", "::ffff:" + "1".repeat(100)};
        int i = 0;
        for (String value : hostile) {
            String source = "127.0.2." + (++i);
            for (int port : new int[] {gateway.port(), worker.port()}) {
                int status;
                try (RawHttp c = RawHttp.connect(port, source)) {
                    status = c.exchange("POST", "/api/v1/inquiries", JSON, inquiry(keys.get(4)), "X-Forwarded-For", value).status();
                } catch (IOException closed) {
                    status = 0; // refused at the header limit by closing: not an error answer either
                }
                assertThat(status).as("%s... on port %d", value.substring(0, Math.min(20, value.length())), port)
                        .isLessThan(500);
            }
        }
        // and the node still answers
        assertThat(inquire(worker.port(), "127.0.3.1", 1, keys.get(5))).isEqualTo(expected(1, 0));
    }
}
