package io.hexproperty.testing;

import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.port.out.ChangeFeed;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@link ChangeFeed} of an {@link InMemoryListingStore}: its outbox, delivered in sequence order, each
 * change once, on one thread per feed (as a PostgreSQL feed delivers from its one connection). The store
 * hands every change to each subscribed feed while it holds its lock, so the queue of a feed is in commit
 * order; the listener runs outside that lock. An in-memory outbox is never pruned and has no connection to
 * lose: {@link Listener#onConnectionLost} is never called.
 */
final class InMemoryChangeFeed implements ChangeFeed {
    private final InMemoryListingStore store;
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "in-memory-change-feed");
        t.setDaemon(true);
        return t;
    });
    private volatile Listener listener;
    private volatile long lastSequence = -1;

    InMemoryChangeFeed(InMemoryListingStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public CompletionStage<Void> start(long afterSequence, Listener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("a feed is started once");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        store.subscribe(this, afterSequence);
        // queued behind the replay: completes once everything committed before start() is delivered
        return CompletableFuture.runAsync(() -> { }, delivery);
    }

    /** Called by the store under its lock, in commit order. */
    void deliver(ListingChange change) {
        delivery.execute(() -> {
            listener.onChange(change);
            lastSequence = change.sequence();
        });
    }

    @Override
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public void close() {
        store.unsubscribe(this);
        delivery.shutdownNow();
    }
}
