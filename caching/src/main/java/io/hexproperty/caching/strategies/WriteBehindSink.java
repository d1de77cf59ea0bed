package io.hexproperty.caching.strategies;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Where write-behind batches go. A batch that was applied but whose confirmation was lost (crash,
 * timeout) is delivered again with the same {@link FlushBatch#id()}; a sink that records applied ids
 * in the same transaction as the counts (e.g. {@code INSERT INTO applied_batches(id) ... ON CONFLICT DO
 * NOTHING}, then apply only if inserted) makes delivery exactly-once.
 */
@FunctionalInterface
public interface WriteBehindSink<K> {

    CompletionStage<Void> apply(FlushBatch<K> batch);

    /** A sink that ignores batch ids: exactly-once while the process lives, at-least-once across a crash mid-flush. */
    static <K> WriteBehindSink<K> of(Function<Map<K, Long>, CompletionStage<Void>> sink) {
        return batch -> sink.apply(batch.deltas());
    }

    /** One journal segment's increments, summed per key; the id is stable across restarts. */
    record FlushBatch<K>(String id, Map<K, Long> deltas) {
        public FlushBatch {
            deltas = Map.copyOf(deltas);
        }
    }
}
