package io.hexproperty.database;

import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingStoreContract;
import io.hexproperty.testing.lane.Postgres;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole store contract with point reads and searches on the pipelined same-loop read clients. */
@Postgres
class PgReadClientListingStoreTest extends ListingStoreContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingStore store = new PgListingStore(TestPostgres.pool(), Clock.systemUTC())
            .readingThrough(PgReadClientTest.pointClient(), PgReadClientTest.client());

    @Override
    protected ListingStore store() {
        return store;
    }
}
