package io.hexproperty.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class PgListingViewsTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingViews views = new PgListingViews(TestPostgres.pool());

    @Test
    void aBatchCountsOnceHoweverOftenItIsDelivered() throws Exception {
        ListingKey a = ListingKey.of("VIEWS-A");
        ListingKey b = ListingKey.of("VIEWS-B");
        assertThat(apply("node-1:1", Map.of(a, 3L, b, 1L))).isTrue();
        assertThat(apply("node-1:1", Map.of(a, 3L, b, 1L))).as("redelivered after a lost confirmation").isFalse();
        assertThat(apply("node-1:2", Map.of(a, 2L))).isTrue();
        assertThat(apply("node-2:1", Map.of(a, 5L))).as("another node's journal, same sequence").isTrue();
        assertThat(views.views(a).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(views.views(b).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(views.views(ListingKey.of("VIEWS-NONE")).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aBatchAlsoCountsTheDayOfExistingListingsOnce() throws Exception {
        ListingKey a = ListingKey.of("DAILY-A");
        ListingKey gone = ListingKey.of("DAILY-GONE"); // no listing_keys row: deleted before the flush
        TestPostgres.pool().query("INSERT INTO listing_keys (listing_key, standard_status) VALUES ('DAILY-A', 'Active')"
                + " ON CONFLICT DO NOTHING").execute().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(apply("daily-1:1", Map.of(a, 4L, gone, 2L))).isTrue();
        assertThat(apply("daily-1:1", Map.of(a, 4L, gone, 2L))).as("redelivered").isFalse();
        assertThat(apply("daily-1:2", Map.of(a, 1L))).isTrue();
        java.time.LocalDate counted = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        long daily = views.viewsOn(a, today).toCompletableFuture().get(10, TimeUnit.SECONDS)
                + (counted.equals(today) ? 0 : views.viewsOn(a, counted).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertThat(daily).as("views of DAILY-A per day").isEqualTo(5);
        assertThat(views.views(gone).toCompletableFuture().get(10, TimeUnit.SECONDS)).as("total of a deleted listing").isEqualTo(2);
        assertThat(views.viewsOn(gone, today).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
    }

    private boolean apply(String id, Map<ListingKey, Long> deltas) throws Exception {
        return views.apply(id, deltas).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
