package io.hexproperty.caching.strategies;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The meters of one write-behind journal: {@code cache.writebehind.flush.duration{journal}} per
 * batch, {@code cache.writebehind.batches{journal,result}} (applied, duplicate, failed) and the
 * gauge {@code cache.writebehind.pending{journal}} (acknowledged increments the store has not confirmed),
 * {@code cache.writebehind.journal.errors{journal}} and the gauge {@code cache.writebehind.journal.healthy{journal}}.
 */
public final class WriteBehindMetrics {
    private final MeterRegistry registry;
    private final String journal;
    private final Timer flush;

    public WriteBehindMetrics(MeterRegistry registry, String journal) {
        this.registry = registry;
        this.journal = journal;
        this.flush = Timer.builder("cache.writebehind.flush.duration").tag("journal", journal)
                .description("Write-behind batch applied to the store, per batch").publishPercentileHistogram()
                .register(registry);
    }

    /**
     * Wraps a store call that answers true when it applied the batch and false when it had applied
     * it before (a replayed batch id): timed and counted by result, failures passed on.
     */
    public <K> WriteBehindSink<K> timed(Function<WriteBehindSink.FlushBatch<K>, CompletionStage<Boolean>> apply) {
        return batch -> {
            long started = System.nanoTime();
            return apply.apply(batch).handle((applied, err) -> {
                String result = err != null ? "failed" : applied ? "applied" : "duplicate";
                flush.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                Counter.builder("cache.writebehind.batches").tag("journal", journal).tag("result", result)
                        .register(registry).increment();
                if (err != null) {
                    throw err instanceof CompletionException ce ? ce : new CompletionException(err);
                }
                return (Void) null;
            });
        };
    }

    /** Registers the pending gauge of {@code writeBehind}; returns it. */
    public <K> WriteBehind<K> watch(WriteBehind<K> writeBehind) {
        Gauge.builder("cache.writebehind.pending", writeBehind, WriteBehind::pendingIncrements)
                .tag("journal", journal).description("Acknowledged increments not yet confirmed by the store")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("cache.writebehind.journal.errors", writeBehind,
                        WriteBehind::journalErrors)
                .tag("journal", journal).description("Journal I/O errors (append, fsync, segment open); the journal retries with backoff")
                .register(registry);
        Gauge.builder("cache.writebehind.journal.healthy", writeBehind, w -> w.journalFailure().isEmpty() ? 1 : 0)
                .tag("journal", journal).description("1 while the journal can write, 0 while it is failing")
                .register(registry);
        return writeBehind;
    }
}
