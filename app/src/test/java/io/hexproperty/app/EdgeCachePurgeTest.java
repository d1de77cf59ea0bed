package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.balancer.algorithms.LoadBalancer;
import io.hexproperty.balancer.gateway.ClusterAdmin;
import io.hexproperty.balancer.gateway.Gateway;
import io.hexproperty.balancer.gateway.GatewayConfig;
import io.hexproperty.balancer.gateway.PoolConfig;
import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.gateway.WorkerPool;
import io.hexproperty.balancer.gateway.edge.EdgeCacheConfig;
import io.hexproperty.balancer.gateway.edge.EdgeTier;
import io.hexproperty.balancer.health.HealthCheck;
import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge cache stays correct across writes (issue 10 item 4): a real node on the embedded PostgreSQL behind
 * a gateway with the edge cache on, the node's CDN purge hook pointed at the gateway's admin port (as
 * {@code hexproperty cluster} wires its workers). A write through the gateway invalidates the listing at once
 * (RFC 9111 4.4); a write that reaches a worker some other way purges the listing's surrogate key from the
 * change feed, within the feed's propagation bound.
 */
@Postgres
class EdgeCachePurgeTest {
    private static final String ADMIN_TOKEN = "edge-purge-admin-token-0123456789";
    private static TestPlatform p;
    private static Vertx vertx;
    private static Platform node;
    private static WorkerPool pool;
    private static Gateway gateway;
    private static ClusterAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        p = TestPlatform.get();
        vertx = Vertx.vertx();
        pool = new WorkerPool(vertx, PoolConfig.defaults(), List.of(HealthCheck.http(vertx, "/health/ready", 200, null)),
                System::nanoTime, Clock.systemUTC());
        gateway = Gateway.start(vertx, GatewayConfig.defaults().withHost("127.0.0.1").withPort(0).withInstances(2),
                EdgeCacheConfig.ofMegabytes(16), pool, LoadBalancer.named("round-robin"), System::nanoTime).await(10, TimeUnit.SECONDS);
        admin = ClusterAdmin.start(vertx, "127.0.0.1", 0, gateway, WorkerFleet.none(), ADMIN_TOKEN, LoadBalancer::named)
                .await(10, TimeUnit.SECONDS);
        URI purge = URI.create("http://:" + ADMIN_TOKEN + "@127.0.0.1:" + admin.port() + "/admin/cluster/edge/purge");
        node = p.startNode(UnaryOperator.identity(), c -> c.withCaches(c.caches().withPurgeUrls(List.of(purge))));
        pool.add("node", URI.create("http://127.0.0.1:" + node.port()), 1, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.workers().stream().allMatch(w -> w.state().equals("up")));
    }

    @AfterAll
    static void stop() throws Exception {
        io.hexproperty.testing.Teardown.closeAll(admin, gateway, pool, node);
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> viaGateway(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
        return body == null ? p.send(b.GET())
                : p.send(b.method(method, HttpRequest.BodyPublishers.ofString(body)), "Authorization", "Bearer " + p.brokerToken,
                "Content-Type", "application/json");
    }

    private static HttpResponse<String> patchOnTheNode(String key, String body) {
        return p.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/v1/listings/" + key))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)),
                "Authorization", "Bearer " + p.brokerToken, "Content-Type", "application/json");
    }

    private static String feedListing(int index) {
        return ApiIntegrationTest.items(p.get("/api/v1/listings?limit=" + (index + 1) + "&sort=price_desc&minPrice=1"))
                .get(index).getString("ListingKey");
    }

    private static int photos(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body()).getInteger("PhotosCount");
    }

    @Test
    void aWriteThroughTheGatewayIsVisibleOnTheVeryNextRead() {
        String key = feedListing(4);
        String path = "/api/v1/listings/" + key;
        int before = photos(viaGateway("GET", path, null));
        HttpResponse<String> hit = viaGateway("GET", path, null);
        assertThat(hit.headers().firstValue(EdgeTier.CACHE_STATUS).orElse("")).contains("hit");

        HttpResponse<String> patched = viaGateway("PATCH", path, "{\"PhotosCount\":" + (before + 3) + "}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(photos(viaGateway("GET", path, null))).as("no stale read once the write is acknowledged").isEqualTo(before + 3);
    }

    @Test
    void aWriteThatBypassesTheGatewayPurgesTheListingBySurrogateKeyFromTheChangeFeed() {
        String key = feedListing(5);
        String path = "/api/v1/listings/" + key;
        int before = photos(viaGateway("GET", path, null));
        assertThat(viaGateway("GET", path, null).headers().firstValue(EdgeTier.CACHE_STATUS).orElse("")).contains("hit");
        long purgedBefore = gateway.edge().stats().getLong("purged");

        HttpResponse<String> patched = patchOnTheNode(key, "{\"PhotosCount\":" + (before + 5) + "}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        // the change feed's bound (README: propagation bound 1 s) plus the ban's round trip
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(photos(viaGateway("GET", path, null))).isEqualTo(before + 5));
        assertThat(gateway.edge().stats().getLong("purged")).isGreaterThan(purgedBefore);
    }
}
