package io.hexproperty.database;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the outbox ({@code listing_changes}) and the ids of applied view batches
 * ({@code applied_batches}) are kept, and how often {@link PgRetention} prunes them.
 *
 * <table>
 * <tr><th>setting</th><th>default</th><th>why</th></tr>
 * <tr><td>horizon</td><td>7 days</td><td>a node stopped for a weekend still catches up from the outbox
 * (warm start) instead of flushing; a view batch is only redelivered from a journal at the next start of
 * its node, which is far sooner. Rows the local change feed has not delivered yet and the newest change
 * are kept whatever their age.</td></tr>
 * <tr><td>interval</td><td>1 hour</td><td>pruning cost is proportional to what accumulated</td></tr>
 * <tr><td>batch</td><td>5,000 rows</td><td>each DELETE holds its locks briefly; writers never wait long</td></tr>
 * </table>
 */
public record RetentionConfig(Duration horizon, Duration interval, int batch) {

    public RetentionConfig {
        Objects.requireNonNull(horizon, "horizon");
        Objects.requireNonNull(interval, "interval");
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("retention horizon must be positive, got " + horizon);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("retention interval must be positive, got " + interval);
        }
        if (batch < 1 || batch > 1_000_000) {
            throw new IllegalArgumentException("retention batch must be between 1 and 1000000, got " + batch);
        }
    }

    public static RetentionConfig defaults() {
        return new RetentionConfig(Duration.ofDays(7), Duration.ofHours(1), 5_000);
    }

    public RetentionConfig withHorizon(Duration value) {
        return new RetentionConfig(value, interval, batch);
    }
}
