package io.hexproperty.database;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.ListingStoreContract;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class PgListingStoreTest extends ListingStoreContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgListingStore store = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());

    @Override
    protected ListingStore store() {
        return store;
    }
}
