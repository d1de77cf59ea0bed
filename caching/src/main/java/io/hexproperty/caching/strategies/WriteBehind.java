package io.hexproperty.caching.strategies;

import java.util.concurrent.CompletionStage;

/**
 * Write-behind counters (listing view counts, fed by {@link ViewCounts}). {@link #write} completes once the
 * increment is in the journal: from then on it survives a kill -9 and is flushed exactly once to a sink
 * that deduplicates batch ids. See {@link JournaledWriteBehind} for the design.
 */
public interface WriteBehind<K> extends WriteStrategy<K, Long, Void>, AutoCloseable {

    default CompletionStage<Void> increment(K key) {
        return write(key, 1L);
    }

    /** Seals the current journal segment and sends every unflushed segment to the sink, oldest first. */
    CompletionStage<Void> flush();

    /** Acknowledged increments not yet confirmed by the sink. */
    long pendingIncrements();

    /** Why the journal cannot write now (disk full, directory unwritable, ...), empty while it can. */
    default java.util.Optional<String> journalFailure() {
        return java.util.Optional.empty();
    }

    /** Journal I/O errors since start (each failed append, fsync or segment open). */
    default long journalErrors() {
        return 0;
    }

    /** Flushes (bounded by {@code closeTimeout}), then stops; what could not be flushed stays journaled. */
    @Override
    void close();
}
