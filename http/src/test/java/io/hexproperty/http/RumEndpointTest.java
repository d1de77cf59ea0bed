package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.ListingService;
import io.hexproperty.metrics.RumAggregator;
import io.hexproperty.testing.InMemoryAgentStore;
import io.hexproperty.testing.InMemoryInquiryStore;
import io.hexproperty.testing.InMemoryListingStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.hexproperty.testing.lane.Unit;
import org.junit.jupiter.api.Test;

/** POST /rum over real HTTP: what a hostile or broken client can send, and what gets recorded. */
@Unit
class RumEndpointTest {
    private static final String SID = "00000000000000000000000000000abc";
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private Vertx vertx;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        InMemoryListingStore listings = new InMemoryListingStore(Clock.systemUTC());
        ListingService service = new ListingService(listings, new InMemoryInquiryStore(listings, Clock.systemUTC()));
        HttpApi api = HttpApi.builder()
                .cache(ResponseCache.disabled(service, Clock.systemUTC()))
                .commands(service)
                .authentication(io.hexproperty.domain.port.in.AgentAuthentication.by(new InMemoryAgentStore()))
                .readiness(() -> CompletableFuture.completedFuture(true))
                .metrics(registry, () -> "")
                .adminToken("test-admin-token-0123456789")
                .trustedProxies(TrustedProxies.parse("127.0.0.1")) // the JDK client below connects from it
                .rum(new RumEndpoint(new RumAggregator(registry), new RumEndpoint.RumConfig(0.5, 3, 6, 1000), registry, nanos::get))
                .build();
        server = vertx.createHttpServer().requestHandler(api.router(vertx)).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> beacon(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/rum"))
                .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String valid(String sid) {
        return "{\"v\":1,\"sid\":\"" + sid + "\",\"t\":\"detail\",\"views\":1,\"duration\":1500,"
                + "\"m\":{\"LCP\":1200.5,\"CLS\":0.01,\"INP\":80,\"TTFB\":40}}";
    }

    private double lcpCount() {
        return registry.get("rum.lcp").tag("template", "detail").summary().count();
    }

    @Test
    void aValidBeaconIsRecordedWithoutACookie() throws Exception {
        HttpResponse<String> r = beacon(valid(SID));
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(lcpCount()).isEqualTo(1);
        assertThat(registry.get("rum.lcp").tag("template", "detail").summary().totalAmount()).isEqualTo(1.2005);
        assertThat(registry.get("rum.bounce.ratio").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("rum.apdex").tag("template", "detail").gauge().value()).as("LCP 1.2 s is satisfied").isEqualTo(1.0);
    }

    @Test
    void invalidBeaconsAre400sNamingTheField() throws Exception {
        String[][] cases = {
                {"not json", "body"},
                {"[1,2]", "body"},
                {valid(SID).replace("\"v\":1", "\"v\":2"), "v"},
                {valid(SID).replace(SID, "NOT-HEX"), "sid"},
                {valid(SID).replace("\"detail\"", "\"admin\""), "t"},
                {valid(SID).replace("\"views\":1", "\"views\":-1"), "views"},
                {valid(SID).replace("\"LCP\":1200.5", "\"LCP\":1e12"), "m.LCP"},
                {valid(SID).replace("\"LCP\"", "\"XSS<script>\""), "m.XSS<script>"},
                {valid(SID).replace("\"v\":1", "\"v\":1,\"extra\":true"), "extra"},
        };
        for (String[] c : cases) {
            nanos.addAndGet(10_000_000_000L); // within the client's rate
            HttpResponse<String> r = beacon(c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(r.body()).as(c[0]).contains("\"parameter\":\"" + c[1].replace("<", "\\u003c").replace(">", "\\u003e"))
                    .doesNotContain("Exception");
        }
        assertThat(lcpCount()).isZero();
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        HttpResponse<String> r = beacon(valid(SID).replace("\"v\":1", "\"v\":1,\"pad\":\"" + "x".repeat(5000) + "\""));
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void eachClientIsRateLimited() throws Exception {
        // burst 3, then 6 a minute (one per 10 s of the injected clock)
        for (int i = 0; i < 3; i++) {
            assertThat(beacon(valid(SID)).statusCode()).isEqualTo(204);
        }
        HttpResponse<String> limited = beacon(valid(SID));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        nanos.addAndGet(10_000_000_000L);
        assertThat(beacon(valid(SID)).statusCode()).isEqualTo(204);
        assertThat(lcpCount()).isEqualTo(4);
    }

    private HttpResponse<String> beaconFrom(String source, String forwardedFor) throws Exception {
        HttpClient from = HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName(source)).build();
        return from.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/rum"))
                .header("Content-Type", "text/plain;charset=UTF-8").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(valid(SID))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBudgetIsPerForwardedClientFromATrustedProxyAndPerPeerFromAnyoneElse() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(beaconFrom("127.0.0.1", "203.0.113.1").statusCode()).isEqualTo(204);
        }
        assertThat(beaconFrom("127.0.0.1", "203.0.113.1").statusCode()).isEqualTo(429);
        assertThat(beaconFrom("127.0.0.1", "203.0.113.2").statusCode()).as("another forwarded client").isEqualTo(204);
        // an untrusted peer's header is ignored: a new made-up address per beacon does not reset its budget
        for (int i = 0; i < 3; i++) {
            assertThat(beaconFrom("127.0.0.2", "198.51.100." + i).statusCode()).isEqualTo(204);
        }
        assertThat(beaconFrom("127.0.0.2", "198.51.100.99").statusCode()).isEqualTo(429);
    }

    @Test
    void sessionsAreSampledWhole() throws Exception {
        // rate 0.5: the first 12 hex digits of the session id decide, the same way every time
        String in = "000000000001" + "0".repeat(20);
        String out = "0000000013ff" + "0".repeat(20); // 0x13ff = 5119 >= 5000
        assertThat(beacon(valid(in)).statusCode()).isEqualTo(204);
        assertThat(beacon(valid(out)).statusCode()).isEqualTo(204);
        nanos.addAndGet(60_000_000_000L);
        assertThat(beacon(valid(out)).statusCode()).isEqualTo(204);
        assertThat(lcpCount()).isEqualTo(1);
        assertThat(registry.get("rum.beacons.dropped").tag("reason", "sampled_out").counter().count()).isEqualTo(2);
    }
}
