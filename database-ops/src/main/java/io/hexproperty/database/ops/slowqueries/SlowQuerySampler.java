package io.hexproperty.database.ops.slowqueries;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.StatementObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * Slow-query capture. As a {@link StatementObserver} of the stores it sees every read with its
 * parameters and time; a read over the threshold is re-run under EXPLAIN (ANALYZE, BUFFERS) with
 * the same parameters, in a read-only transaction that is rolled back, on its own connection and
 * virtual thread (never on the event loop, one at a time, at most one per statement text per
 * {@link SlowQueryConfig#perStatement()}, dropped when one is already waiting). {@link
 * #captureFromStatistics()} adds the statements pg_stat_statements saw over the threshold (plans of
 * other clients' statements too; generic plans where the text has parameters). The newest
 * {@link SlowQueryConfig#keep()} samples are kept; {@link #json()} is what {@code /admin/db/slow}
 * serves. Counted: {@code db.slow.captured{source}}, {@code db.slow.dropped}.
 */
public interface SlowQuerySampler extends StatementObserver, AutoCloseable {

    static SlowQuerySampler create(DatabaseConfig database, SlowQueryConfig config, Clock clock, MeterRegistry registry) {
        return new PgSlowQuerySampler(database, config, clock, registry);
    }

    /** One view over one sampler per shard: samples merged newest first (the newest {@code config.keep()}). */
    static SlowQuerySampler merged(List<SlowQuerySampler> parts, SlowQueryConfig config) {
        return parts.size() == 1 ? parts.getFirst() : new MergedSlowQuerySampler(parts, config);
    }

    /** Captures plans of the statements pg_stat_statements reports over the threshold; returns how many. Blocking. */
    int captureFromStatistics() throws SQLException;

    /** The kept samples, newest first. */
    List<SlowQuerySample> recent();

    /** {@code {"thresholdMs": .., "samples": [...]}}, newest first. */
    String json();

    /** Waits until captures already queued have finished (for tests and orderly shutdown). */
    void drain() throws InterruptedException;

    @Override
    void close();
}
