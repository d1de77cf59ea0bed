package io.hexproperty.caching.strategies;

import io.hexproperty.domain.ListingKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Listing views, summed per key in memory and handed to the journaled write-behind every
 * {@code interval} as one delta per key. A journal append per page view cost the cached detail path
 * about 40% of its throughput (docs/benchmarks/http.md); summing first makes a view a LongAdder
 * increment on the event loop. The price: views of the last interval before a kill -9 are lost;
 * whatever reached the journal never is. While the journal cannot write, views stay in these sums
 * (and are lost by a crash in that time), offered again at every drain.
 *
 * <p>Keys are never removed (a removal could race an increment and lose it), so memory grows with
 * the number of distinct listings viewed: about 100 bytes each.
 */
public final class ViewCounts implements AutoCloseable {
    private final WriteBehind<ListingKey> journal;
    private final ConcurrentHashMap<ListingKey, LongAdder> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService drainer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "view-counts");
        t.setDaemon(true);
        return t;
    });

    public ViewCounts(WriteBehind<ListingKey> journal, long intervalMillis) {
        this.journal = journal;
        drainer.scheduleWithFixedDelay(this::drain, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    public void viewed(ListingKey key) {
        LongAdder adder = pending.get(key);
        if (adder == null) {
            adder = pending.computeIfAbsent(key, k -> new LongAdder());
        }
        adder.increment();
    }

    /** Moves the sums into the journal (one record per key with views since the last drain). */
    void drain() {
        pending.forEach((key, adder) -> {
            long views = adder.sumThenReset();
            if (views > 0) {
                // A refused append (journal failing: disk full, ...) goes back into the sums and is
                // offered again at the next drain, when the journal may have recovered.
                journal.write(key, views).whenComplete((ok, error) -> {
                    if (error != null) {
                        pending.computeIfAbsent(key, k -> new LongAdder()).add(views);
                    }
                });
            }
        });
    }

    /** Drains what is left; the caller closes the journal afterwards. */
    @Override
    public void close() {
        drainer.shutdown();
        try {
            drainer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }
}
