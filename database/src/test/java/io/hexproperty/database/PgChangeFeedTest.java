package io.hexproperty.database;

import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.ChangeFeedContract;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.lane.Postgres;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change feed contract over the outbox and LISTEN/NOTIFY of the embedded PostgreSQL. */
@Postgres
class PgChangeFeedTest extends ChangeFeedContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingStore store = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());

    @Override
    protected ChangeFeed newFeed() {
        return new PgChangeFeed(TestPostgres.vertx(), TestPostgres.pool(), DatabaseConfig.of(PG.postgres().url()),
                Duration.ofSeconds(1));
    }

    @Override
    protected ListingStore store() {
        return store;
    }
}
