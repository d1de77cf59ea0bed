package io.hexproperty.database;

import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.RunningPostgres;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class PgPoolsTest {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    @Test
    void readyWhenTheDatabaseAnswers() {
        Readiness.Status status = await(Readiness.postgres(TestPostgres.pool(), Duration.ofSeconds(2)).check());
        assertThat(status.ready()).isTrue();
    }

    @Test
    void connectionsPlanEachSearchForItsValuesAndNameTheApplication() {
        var rows = await(TestPostgres.pool().query("SELECT current_setting('plan_cache_mode'), current_setting('application_name')")
                .execute().toCompletionStage());
        var row = rows.iterator().next();
        assertThat(row.getString(0)).isEqualTo("force_custom_plan");
        assertThat(row.getString(1)).isEqualTo("hexproperty");
    }

    @Test
    void notReadyWhenNothingListensAndTheReasonSaysSo() throws IOException {
        Pool pool = PgPools.create(TestPostgres.vertx(), DatabaseConfig.of("postgresql://postgres@127.0.0.1:" + closedPort() + "/x"));
        try {
            Readiness.Status status = await(Readiness.postgres(pool, Duration.ofSeconds(5)).check());
            assertThat(status.ready()).isFalse();
            assertThat(status.detail()).containsIgnoringCase("connect");
        } finally {
            pool.close();
        }
    }

    @Test
    void fullWaitQueueBecomesStoreUnavailableWithThePoolState(RunningPostgres pg) {
        DatabaseConfig config = DatabaseConfig.of(pg.url()).withPoolSize(1).withMaxWaitQueue(0);
        Pool pool = PgPools.create(TestPostgres.vertx(), config);
        try {
            SqlConnection held = await(pool.getConnection().toCompletionStage());
            PgListingStore store = new PgListingStore(pool, Clock.systemUTC());

            Throwable error = failure(store.find(ListingKey.of("HXANY")));

            assertThat(error).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("pool wait-queue full")
                    .hasMessageContaining("1 connections open");
            held.close();
        } finally {
            pool.close();
        }
    }

    @Test
    void deadServerBecomesStoreUnavailable() throws IOException {
        Pool pool = PgPools.create(TestPostgres.vertx(), DatabaseConfig.of("postgresql://postgres@127.0.0.1:" + closedPort() + "/x"));
        try {
            Throwable error = failure(new PgListingStore(pool, Clock.systemUTC()).find(ListingKey.of("HXANY")));
            assertThat(error).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("connect");
        } finally {
            pool.close();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
