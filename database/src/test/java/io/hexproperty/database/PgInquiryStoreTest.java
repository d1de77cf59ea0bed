package io.hexproperty.database;

import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.domain.port.out.InquiryStore;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.testing.EmbeddedPostgresExtension;
import io.hexproperty.testing.InquiryStoreContract;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

@Postgres
class PgInquiryStoreTest extends InquiryStoreContract {
    @RegisterExtension
    static final EmbeddedPostgresExtension PG = TestPostgres.EXTENSION;

    private final PgInquiryStore store = new PgInquiryStore(TestPostgres.pool());
    private final PgListingStore listings = new PgListingStore(TestPostgres.pool(), Clock.systemUTC());

    @Override
    protected InquiryStore store() {
        return store;
    }

    @Override
    protected ListingStore listings() {
        return listings;
    }
}
