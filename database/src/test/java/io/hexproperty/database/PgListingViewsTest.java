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

    private boolean apply(String id, Map<ListingKey, Long> deltas) throws Exception {
        return views.apply(id, deltas).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
