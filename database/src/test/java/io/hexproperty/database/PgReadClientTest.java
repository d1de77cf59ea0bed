package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingDrafts;
import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.Context;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PgPools#readClient}: many reads in flight at once from several event loops, pipelined on
 * their loops' connections, each gets its own rows back (a mixed-up pipeline would hand one request
 * another's listing or page), and the sessions have the pool's settings.
 */
@Postgres
class PgReadClientTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private static SqlClient client;
    private static SqlClient pointClient;

    static synchronized SqlClient client() {
        if (client == null) {
            client = PgPools.readClient(TestPostgres.vertx(), DatabaseConfig.of(PG.postgres().url()).withPoolSize(2));
        }
        return client;
    }

    static synchronized SqlClient pointClient() {
        if (pointClient == null) {
            pointClient = PgPools.pointReadClient(TestPostgres.vertx(), DatabaseConfig.of(PG.postgres().url()).withPoolSize(2));
        }
        return pointClient;
    }

    @Test
    void concurrentReadsFromManyEventLoopsEachGetTheirOwnRows() throws Exception {
        PgListingStore writer = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());
        PgListingStore reader = writer.readingThrough(pointClient(), client());
        String city = "Pipeline" + System.nanoTime();
        Map<ListingKey, Listing> created = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            Listing l = await(writer.create(ListingDrafts.draft().city(city).state("TX").price(100_000 + i).build(), "agent-pipeline"));
            created.put(l.listingKey(), l);
        }
        List<ListingKey> keys = new ArrayList<>(created.keySet());
        List<Context> loops = new ArrayList<>();
        io.vertx.core.internal.VertxInternal vertx = (io.vertx.core.internal.VertxInternal) TestPostgres.vertx();
        for (int i = 0; i < 6; i++) {
            loops.add(vertx.contextBuilder().withEventLoop(vertx.nettyEventLoopGroup().next()).build()); // round-robin over the loops
        }

        // Waves of 240 reads in flight: within what the clients admit (2 connections x 32 pipelined + 256
        // waiting each); beyond that a read is shed with a 503, which PgPoolsTest covers.
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        for (int wave = 0; wave < 5; wave++) {
            List<CompletableFuture<Boolean>> inFlight = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                ListingKey key = keys.get((wave * 240 + i) % keys.size());
                boolean search = i % 5 == 0;
                CompletableFuture<Boolean> ok = new CompletableFuture<>();
                inFlight.add(ok);
                loops.get(i % loops.size()).runOnContext(v -> {
                    threads.put(Thread.currentThread().getName(), true);
                    CompletionStage<Boolean> check = search
                            ? reader.search(SearchQuery.builder().city(city).state("TX").limit(100).build())
                                    .thenApply(page -> page.items().size() == created.size()
                                            && page.items().stream().allMatch(l -> l.equals(created.get(l.listingKey()))))
                            : reader.find(key).thenApply(found -> found.equals(Optional.of(created.get(key))));
                    check.whenComplete((same, err) -> {
                        if (err != null) {
                            ok.completeExceptionally(err);
                        } else {
                            ok.complete(same);
                        }
                    });
                });
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            results.addAll(inFlight);
        }

        assertThat(results).allSatisfy(r -> assertThat(r.join()).isTrue());
        assertThat(threads.keySet()).as("reads were issued from several event loops").hasSizeGreaterThan(1);
    }

    @Test
    void searchSessionsPlanForTheirValuesAndPointReadSessionsMayReuseAPlan() {
        var search = await(client().query("SELECT current_setting('plan_cache_mode'), current_setting('application_name')")
                .execute().toCompletionStage()).iterator().next();
        assertThat(search.getString(0)).isEqualTo("force_custom_plan");
        assertThat(search.getString(1)).isEqualTo("hexproperty");
        var point = await(pointClient().query("SELECT current_setting('plan_cache_mode'), current_setting('application_name')")
                .execute().toCompletionStage()).iterator().next();
        assertThat(point.getString(0)).isEqualTo("auto");
        assertThat(point.getString(1)).isEqualTo("hexproperty");
    }

    @Test
    void smallPoolsAreNotSplit() {
        assertThat(PgPools.readShare(1)).isZero();
        assertThat(PgPools.readShare(3)).isZero();
        assertThat(PgPools.readShare(8)).isEqualTo(4);
        assertThat(PgPools.readShare(9)).isEqualTo(4);
    }
}
