package io.hexproperty.database;

import io.hexproperty.domain.Committed;
import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.VersionConflictException;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.geo.H3Cells;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The PostgreSQL {@link ListingStore}, on the reactive client: no call blocks, every value is a
 * bind parameter, statements are prepared and cached per connection.
 *
 * <p>Every write records a {@link ListingChange} in {@code listing_changes} in the same
 * transaction. Its sequence comes from the single {@code change_sequence} row, whose row lock is
 * held until commit, so sequence order is commit order with no gaps (the outbox contract of the
 * change feed); the table's trigger NOTIFYs listeners. The outbox row is written by the same
 * statement as the listing change (data-modifying CTEs), which keeps that lock for one round trip:
 * a create is a single autocommitted statement, an update or delete is SELECT ... FOR UPDATE plus
 * one statement.
 */
public final class PgListingStore implements ListingStore {
    private static final int KEY_ATTEMPTS = 3;
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String OUTBOX = "seq AS (UPDATE change_sequence SET last = last + 1 WHERE id = 1 RETURNING last)"
            + " INSERT INTO listing_changes (seq, listing_key, version, kind, city, state_or_province, h3_r7)"
            + " SELECT seq.last, c.listing_key, c.version, %s, c.city, c.state_or_province, c.h3_r7 FROM c, seq";
    private static final String FIND = PgListingStoreSql.FIND;
    private static final String LOCK = PgListingStoreSql.LOCK;
    // The key row (V30: global uniqueness of listing_key across the status partitions) is inserted by
    // the same statement; a duplicate key fails on listing_keys_pkey with the unique violation the
    // retry below expects. $1 is the key and $3 the status in ListingRows' column order.
    private static final String INSERT = "WITH k AS (INSERT INTO listing_keys (listing_key, standard_status) VALUES ($1, $3)),"
            + " c AS (INSERT INTO listings (" + ListingRows.COLUMNS + ") VALUES ("
            + placeholders(ListingRows.COLUMN_COUNT) + ") RETURNING listing_key, version, city, state_or_province, h3_r7), "
            + OUTBOX.formatted("'UPSERT'");
    private static final String UPDATE = "WITH c AS (UPDATE listings SET standard_status = $2, list_price = $3,"
            + " property_type = $4, bedrooms_total = $5, bathrooms_total_integer = $6, living_area = $7,"
            + " photos_count = $8, public_remarks = $9, modification_timestamp = $10, version = $11"
            + " WHERE listing_key = $1 RETURNING listing_key, version, city, state_or_province, h3_r7), "
            + OUTBOX.formatted("'UPSERT'");
    private static final String DELETE = "WITH c AS (DELETE FROM listings WHERE listing_key = $1"
            + " RETURNING listing_key, $2::bigint AS version, city, state_or_province, h3_r7), "
            + OUTBOX.formatted("'DELETE'");

    private final Pool pool;
    private final SqlClient finds;
    private final SqlClient searches;
    private final Clock clock;
    private final StatementObserver observer;

    public PgListingStore(Pool pool, Clock clock) {
        this(pool, clock, StatementObserver.none());
    }

    /** {@code observer} is told each read's SQL, parameters and time (the slow-query sampler). */
    public PgListingStore(Pool pool, Clock clock, StatementObserver observer) {
        this(pool, pool, pool, clock, observer);
    }

    private PgListingStore(Pool pool, SqlClient finds, SqlClient searches, Clock clock, StatementObserver observer) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.finds = Objects.requireNonNull(finds, "finds");
        this.searches = Objects.requireNonNull(searches, "searches");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * This store with its listing-by-key reads sent through {@code finds} and its searches through
     * {@code searches} (the same server, e.g. {@link PgPools#pointReadClient} and
     * {@link PgPools#readClient}); writes, locks and the WAL position stay on the pool.
     */
    public PgListingStore readingThrough(SqlClient finds, SqlClient searches) {
        return new PgListingStore(pool, finds, searches, clock, observer);
    }

    @Override
    public CompletionStage<Optional<Listing>> find(ListingKey key) {
        Tuple params = Tuple.of(key.value());
        return port(observed(finds, FIND, params).map(rows -> first(rows).map(ListingRows::listing)));
    }

    @Override
    public CompletionStage<SearchPage> search(SearchQuery query) {
        SearchSql search = SearchSql.of(query);
        return port(observed(searches, search.sql(), search.params()).map(rows -> {
            List<Listing> fetched = new ArrayList<>(rows.size());
            for (Row row : rows) {
                fetched.add(ListingRows.listing(row));
            }
            return SearchPage.of(query, fetched);
        }));
    }

    /** Validates the token; the primary this store reads has applied every commit, so any read sees the write. */
    @Override
    public CompletionStage<Optional<Listing>> findAfter(ListingKey key, String token) {
        try {
            WalPosition.parse(token);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new DomainException(Committed.TOKEN_HEADER, e.getMessage()));
        }
        return find(key);
    }

    @Override
    public CompletionStage<Committed<Listing>> createCommitted(ListingDraft draft, String agentKey) {
        return withPosition(create(draft, agentKey));
    }

    @Override
    public CompletionStage<Committed<Listing>> updateCommitted(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                                               String agentKey) {
        return withPosition(update(key, patch, expectedVersion, agentKey));
    }

    @Override
    public CompletionStage<Committed<Boolean>> deleteCommitted(ListingKey key, String agentKey) {
        return withPosition(delete(key, agentKey));
    }

    /** The write, then the WAL insert position on the same server: a token at or after its commit. */
    private <T> CompletionStage<Committed<T>> withPosition(CompletionStage<T> write) {
        return write.thenCompose(value -> port(pool.query(WalPosition.CURRENT_SQL).execute()
                .map(rows -> new Committed<>(value, Optional.of(rows.iterator().next().getString(0))))));
    }

    @Override
    public CompletionStage<Listing> create(ListingDraft draft, String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        return port(insert(draft, agentKey, 1));
    }

    private Future<Listing> insert(ListingDraft draft, String agentKey, int attempt) {
        Listing listing;
        try {
            listing = draft.toListing(Keys.listingKey(), agentKey, H3Cells.r7(draft.location()),
                    H3Cells.r9(draft.location()), ListingRows.storable(clock.instant()));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return pool.preparedQuery(INSERT).execute(ListingRows.values(listing)).map(listing).recover(e -> {
            if (attempt < KEY_ATTEMPTS && PgErrors.isSqlState(e, UNIQUE_VIOLATION)) {
                return insert(draft, agentKey, attempt + 1);
            }
            return Future.failedFuture(e);
        });
    }

    @Override
    public CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                          String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        return port(pool.withTransaction(conn -> lockOwned(conn, key, agentKey).compose(current -> {
            if (current.isEmpty()) {
                return Future.failedFuture(new ListingNotFoundException(key));
            }
            Listing existing = current.get();
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != existing.version()) {
                return Future.failedFuture(new VersionConflictException(key, expectedVersion.getAsLong(), existing.version()));
            }
            Listing next;
            try {
                next = patch.applyTo(existing, ListingRows.storable(clock.instant()));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
            Tuple values = Tuple.tuple()
                    .addString(key.value())
                    .addString(next.standardStatus().name())
                    .addLong(next.listPrice().dollars())
                    .addString(next.propertyType().name())
                    .addInteger(next.bedroomsTotal())
                    .addInteger(next.bathroomsTotalInteger())
                    .addInteger(next.livingArea())
                    .addInteger(next.photosCount())
                    .addString(next.publicRemarks())
                    .addOffsetDateTime(ListingRows.timestamp(next.modificationTimestamp()))
                    .addLong(next.version());
            return conn.preparedQuery(UPDATE).execute(values).map(next);
        })));
    }

    @Override
    public CompletionStage<Boolean> delete(ListingKey key, String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        return port(pool.withTransaction(conn -> lockOwned(conn, key, agentKey).compose(current -> {
            if (current.isEmpty()) {
                return Future.succeededFuture(false);
            }
            // The tombstone's version outranks every version a reader can have seen.
            long tombstone = current.get().version() + 1;
            return conn.preparedQuery(DELETE).execute(Tuple.of(key.value(), tombstone)).map(true);
        })));
    }

    private Future<RowSet<Row>> observed(SqlClient client, String sql, Tuple params) {
        if (observer == StatementObserver.none()) {
            return client.preparedQuery(sql).execute(params);
        }
        long start = System.nanoTime();
        return client.preparedQuery(sql).execute(params).onSuccess(rows -> observer.observe(sql, params, System.nanoTime() - start));
    }

    /** Locks the row; fails with NotOwnerException when it belongs to another agent. */
    private static Future<Optional<Listing>> lockOwned(SqlClient conn, ListingKey key, String agentKey) {
        return conn.preparedQuery(LOCK).execute(Tuple.of(key.value())).compose(rows -> {
            Optional<Listing> current = first(rows).map(ListingRows::listing);
            if (current.isPresent() && !current.get().managedBy(agentKey)) {
                return Future.failedFuture(new NotOwnerException(key, agentKey));
            }
            return Future.succeededFuture(current);
        });
    }

    private <T> CompletionStage<T> port(Future<T> future) {
        return future.recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }

    private static String placeholders(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(i > 1 ? ", $" : "$").append(i);
        }
        return b.toString();
    }
}
