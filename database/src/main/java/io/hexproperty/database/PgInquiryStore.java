package io.hexproperty.database;

import io.hexproperty.domain.Inquiry;
import io.hexproperty.domain.InquiryDraft;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.port.out.InquiryStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Buyer inquiries in PostgreSQL. A missing listing is detected by the foreign key in the same
 * INSERT (one round trip, and no window between a check and the write).
 */
public final class PgInquiryStore implements InquiryStore {
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String INSERT = "INSERT INTO inquiries (listing_key, name, email, message)"
            + " VALUES ($1, $2, $3, $4) RETURNING id, created_at";

    private final Pool pool;

    public PgInquiryStore(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public CompletionStage<Inquiry> submit(InquiryDraft draft) {
        Tuple values = Tuple.of(draft.listingKey().value(), draft.name(), draft.email(), draft.message());
        return pool.preparedQuery(INSERT).execute(values).map(rows -> {
            Row r = rows.iterator().next();
            return new Inquiry(r.getLong(0), draft.listingKey(), draft.name(), draft.email(), draft.message(),
                    r.getOffsetDateTime(1).toInstant());
        }).recover(e -> Future.<Inquiry>failedFuture(PgErrors.isSqlState(e, FOREIGN_KEY_VIOLATION)
                ? new ListingNotFoundException(draft.listingKey())
                : PgErrors.toPort(e, pool))).toCompletionStage();
    }
}
