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
 * Listing view counts in PostgreSQL, fed in batches by a write-behind journal. A batch and its id
 * are applied in one transaction: {@code applied_batches} rejects an id seen before, and then the
 * counts are not added again, so a redelivered batch counts once.
 */
public final class PgListingViews {
    private static final String CLAIM = "INSERT INTO applied_batches(id) VALUES ($1) ON CONFLICT DO NOTHING";
    // Keys in a fixed order, so two nodes flushing overlapping batches lock rows in the same order.
    private static final String ADD = "INSERT INTO listing_views(listing_key, views)"
            + " SELECT * FROM unnest($1::text[], $2::bigint[])"
            + " ON CONFLICT (listing_key) DO UPDATE SET views = listing_views.views + EXCLUDED.views, updated_at = now()";

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
            return conn.preparedQuery(ADD).execute(Tuple.tuple().addArrayOfString(keys).addArrayOfLong(counts)).map(true);
        })).recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }

    /** The stored count of a listing (0 when never viewed). */
    public CompletionStage<Long> views(ListingKey key) {
        return pool.preparedQuery("SELECT views FROM listing_views WHERE listing_key = $1").execute(Tuple.of(key.value()))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0))
                .recover(e -> Future.failedFuture(PgErrors.toPort(e, pool))).toCompletionStage();
    }
}
