package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VarnishPurge} against a local HTTP purge endpoint that fails on command: failed bans are sent
 * again with backoff, bans that fail every attempt are counted as dead letters, and purge-all is
 * rate-limited (merged, never dropped) while key bans keep flowing.
 */
@Unit
class VarnishPurgeRetryTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> received = new CopyOnWriteArrayList<>(); // "keys:<X-Purge-Keys>" or "all"
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private Vertx vertx;
    private HttpServer server;
    private PurgeHook hook;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            received.add(req.getHeader("X-Purge-All") != null ? "all" : "keys:" + req.getHeader("X-Purge-Keys"));
            boolean fail = failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
            req.response().setStatusCode(fail ? 503 : 200).end(fail ? "backend busy" : "banned");
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (hook != null) {
            hook.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private PurgeHook hook(PurgeConfig config) {
        hook = PurgeHook.varnish(vertx, registry, List.of(URI.create("http://127.0.0.1:" + server.actualPort() + "/")), config);
        return hook;
    }

    private double count(String name, String... tags) {
        var search = registry.find(name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static final PurgeConfig FAST = PurgeConfig.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20));

    @Test
    void aBanThatFailsIsRetriedUntilItLands() {
        failuresLeft.set(3);
        hook(FAST.withAttempts(5)).purge(new java.util.LinkedHashSet<>(List.of("listing:HXAAAA", "city:austin-tx")));

        await().atMost(Duration.ofSeconds(10)).until(() -> count("cdn.purge.requests", "result", "ok") == 1);
        assertThat(received).hasSize(4).allSatisfy(r -> assertThat(r).isEqualTo("keys:listing:HXAAAA city:austin-tx"));
        assertThat(count("cdn.purge.requests", "result", "failed")).isEqualTo(3);
        assertThat(count("cdn.purge.retries")).isEqualTo(3);
        assertThat(count("cdn.purge.dead.letters")).isZero();
        assertThat(count("cdn.purge.keys")).isEqualTo(2);
    }

    @Test
    void aBanThatFailsEveryAttemptIsADeadLetterAndTheNextBanStillGoes() {
        failuresLeft.set(3);
        PurgeHook purge = hook(FAST.withAttempts(3));
        purge.purge(Set.of("listing:HXDEAD"));

        await().atMost(Duration.ofSeconds(10)).until(() -> count("cdn.purge.dead.letters") == 1);
        assertThat(received).containsExactly("keys:listing:HXDEAD", "keys:listing:HXDEAD", "keys:listing:HXDEAD");

        purge.purge(Set.of("listing:HXNEXT"));
        await().atMost(Duration.ofSeconds(10)).until(() -> count("cdn.purge.requests", "result", "ok") == 1);
        assertThat(received).last().isEqualTo("keys:listing:HXNEXT");
        assertThat(count("cdn.purge.dead.letters")).isEqualTo(1);
    }

    @Test
    void purgeAllIsRateLimitedButKeyBansKeepFlowing() {
        PurgeHook purge = hook(PurgeConfig.defaults().withPurgeAllInterval(Duration.ofHours(1)));
        for (int i = 0; i < 5; i++) {
            purge.purgeAll(); // a flapping feed
        }
        purge.purge(Set.of("listing:HXKEEP"));

        // Bans to one cache go one at a time, in order: once the key ban is there, every purge-all
        // that was going to be sent before it has been.
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("keys:listing:HXKEEP"));
        assertThat(received).containsExactly("all", "keys:listing:HXKEEP");
        // the second purge-all waits for the interval to end; the third to fifth merge into it
        assertThat(count("cdn.purge.all.coalesced")).isEqualTo(3);
    }

    @Test
    void theBackoffDoublesUpToItsCap() {
        PurgeConfig config = PurgeConfig.defaults().withBackoff(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(List.of(config.backoff(1), config.backoff(2), config.backoff(3), config.backoff(4), config.backoff(9)))
                .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofSeconds(3));
    }
}
