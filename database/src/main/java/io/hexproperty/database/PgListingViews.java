package io.hexproperty.database;

import io.hexproperty.domain.ListingKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * Listing view counts in PostgreSQL, fed in batches by a write-behind journal: the total per listing
 * ({@code listing_views}) and the count per listing per UTC day of the flush ({@code listing_views_daily}).
 * A batch and its id are applied in one transaction: {@code applied_batches} rejects an id seen before, and then the
 * counts are not added again, so a redelivered batch counts once.
 */
public final class PgListingViews {
    private static final String CLAIM = "INSERT INTO applied_batches(id) VALUES ($1) ON CONFLICT DO NOTHING";
    // Keys in a fixed order, so two nodes flushing overlapping batches lock rows in the same order.
    private static final String ADD = "INSERT INTO listing_views(listing_key, views)"
            + " SELECT * FROM unnest($1::text[], $2::bigint[])"
            + " ON CONFLICT (listing_key) DO UPDATE SET views = listing_views.views + EXCLUDED.views, updated_at = now()";

    // The same counts per UTC day, for trends; only listings that still exist (the table references
    // listing_keys), so a view of a listing deleted meanwhile is kept in the total but not per day.
    private static final String ADD_DAILY = "INSERT INTO listing_views_daily(listing_key, day, views)"
            + " SELECT d.k, (now() AT TIME ZONE 'UTC')::date, d.v FROM unnest($1::text[], $2::bigint[]) AS d(k, v)"
            + " JOIN listing_keys lk ON lk.listing_key = d.k"
            + " ON CONFLICT (listing_key, day) DO UPDATE SET views = listing_views_daily.views + EXCLUDED.views";

    private final Pool pool;

    public PgListingViews(Pool pool) {
        this.pool = Objects.requireNonNull(pool);
    }

    /** Adds the batch's counts unless its id was applied before; true when applied now. */
    public CompletionStage<Boolean> apply(String batchId, Map<ListingKey, Long> deltas) {
        TreeMap<ListingKey, Long> sorted = new TreeMap<>(deltas);
        String[] keys = new String[sorted.size()];
        Long[] counts = new Long[sorted.size()];
        int i = 0;
        for (var e : sorted.entrySet()) {
            keys[i] = e.getKey().value();
            counts[i++] = e.getValue();
        }
        return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(batchId)).compose(claimed -> {
            if (claimed.rowCount() == 0) {
                return Future.succeededFuture(false);
            }
            Tuple arrays = Tuple.tuple().addArrayOfString(keys).addArrayOfLong(counts);
            return conn.preparedQuery(ADD).execute(arrays)
                    .compose(added -> conn.preparedQuery(ADD_DAILY).execute(arrays)).map(true);
        })).recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    /** The views of a listing counted on {@code day} (UTC; 0 when none). */
    public CompletionStage<Long> viewsOn(ListingKey key, java.time.LocalDate day) {
        return pool.preparedQuery("SELECT views FROM listing_views_daily WHERE listing_key = $1 AND day = $2")
                .execute(Tuple.of(key.value(), day))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0))
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    /** The stored count of a listing (0 when never viewed). */
    public CompletionStage<Long> views(ListingKey key) {
        return pool.preparedQuery("SELECT views FROM listing_views WHERE listing_key = $1").execute(Tuple.of(key.value()))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0))
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }
}
