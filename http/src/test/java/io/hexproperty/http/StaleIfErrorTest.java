package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingService;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.port.in.AgentAuthentication;
import io.hexproperty.domain.port.in.ListingQueries;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.hexproperty.testing.InMemoryAgentStore;
import io.hexproperty.testing.InMemoryInquiryStore;
import io.hexproperty.testing.InMemoryListingStore;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Over real HTTP, with the store failing as a stopped database does: expired details and search pages
 * are served stale with an {@code Age} header, a key never cached is a 503 with Retry-After, writes
 * are refused at the gate, and the two health endpoints tell "can serve" from "can write" (ADR 0016).
 */
@Unit
class StaleIfErrorTest {
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private HttpServer server;
    private ResponseCache cache;
    private ListingKey key;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        InMemoryListingStore listings = new InMemoryListingStore(Clock.systemUTC());
        ListingService service = new ListingService(listings, new InMemoryInquiryStore(listings, Clock.systemUTC()));
        key = listings.create(ListingDrafts.draft().city("Springfield").state("IL").build(), "agent-1")
                .toCompletableFuture().get(5, TimeUnit.SECONDS).listingKey();
        ListingQueries database = new ListingQueries() {
            @Override
            public CompletionStage<Optional<Listing>> find(ListingKey k) {
                return down.get() ? unavailable() : service.find(k);
            }

            @Override
            public CompletionStage<SearchPage> search(SearchQuery query) {
                return down.get() ? unavailable() : service.search(query);
            }
        };
        // TTLs of 200 ms so entries expire within the test; the clock above dates what they were read at.
        cache = ResponseCache.create(database, new SimpleMeterRegistry(), new ResponseCache.Config(100, Duration.ofMillis(200),
                1024 * 1024, Duration.ofMillis(200), Duration.ofMinutes(10)), clock);
        HttpApi api = HttpApi.builder()
                .cache(cache)
                .commands(service)
                .authentication(AgentAuthentication.by(new InMemoryAgentStore()))
                .health(() -> CompletableFuture.completedFuture(new NodeHealth(true, !down.get(),
                        down.get() ? "connection refused" : "PostgreSQL answered", Map.of("viewJournal", "ok"))))
                .writeGate(WriteGate.of(() -> !down.get(), () -> "connection refused"))
                .metrics(new SimpleMeterRegistry(), () -> "")
                .adminToken("test-admin-token-0123456789")
                .clock(clock)
                .build();
        server = vertx.createHttpServer().requestHandler(api.router(vertx)).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    private static <T> CompletionStage<T> unavailable() {
        return CompletableFuture.failedFuture(new StoreUnavailableException("connection refused: 127.0.0.1:5432", null));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json").header("Authorization", "Bearer some-agent-token");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void expiredEntriesAreServedStaleWithTheirAgeWhileTheDatabaseFails() throws Exception {
        String search = "/api/v1/listings?city=Springfield&state=IL";
        HttpResponse<String> fresh = send("GET", "/api/v1/listings/" + key.value(), null);
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.headers().firstValue("Age")).as("just read from the database").isEmpty();
        assertThat(send("GET", search, null).statusCode()).isEqualTo(200);

        down.set(true);
        now.set(now.get().plusSeconds(90));
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.listingIfFresh(key).isEmpty());

        HttpResponse<String> stale = send("GET", "/api/v1/listings/" + key.value(), null);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
        assertThat(new JsonObject(stale.body()).getString("ListingKey")).isEqualTo(key.value());
        assertThat(stale.headers().firstValue("Age")).hasValue("90");
        HttpResponse<String> page = send("GET", search, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue("Age")).hasValue("90");

        HttpResponse<String> never = send("GET", "/api/v1/listings/HXNEVERSEEN1", null);
        assertThat(never.statusCode()).isEqualTo(503);
        assertThat(never.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void writesAreRefusedAtTheGateAndHealthSaysServeButNotWrite() throws Exception {
        down.set(true);
        HttpResponse<String> write = send("PATCH", "/api/v1/listings/" + key.value(), "{\"PhotosCount\":3}");
        assertThat(write.statusCode()).isEqualTo(503);
        assertThat(write.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(write.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(write.body()).contains("writes are refused while the database is unreachable");
        assertThat(send("POST", "/api/v1/inquiries", "{}").statusCode()).isEqualTo(503);

        HttpResponse<String> ready = send("GET", "/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(ready.body());
        assertThat(body.getBoolean("serve")).isTrue();
        assertThat(body.getBoolean("write")).isFalse();
        assertThat(body.getString("viewJournal")).isEqualTo("ok");
        HttpResponse<String> writable = send("GET", "/health/write", null);
        assertThat(writable.statusCode()).isEqualTo(503);
        assertThat(writable.headers().firstValue("Retry-After")).hasValue("2");

        down.set(false);
        assertThat(send("GET", "/health/write", null).statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/api/v1/listings/" + key.value(), "{\"PhotosCount\":3}").statusCode())
                .as("past the gate: the bearer token is checked").isEqualTo(401);
    }
}
