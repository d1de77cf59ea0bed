package io.hexproperty.domain.port.out;

import io.hexproperty.domain.ListingChange;
import java.util.concurrent.CompletionStage;

/**
 * Committed listing changes, delivered in sequence order, each once per subscription. When the feed
 * cannot vouch for completeness (connection lost, the history it would need was pruned) it says so
 * through {@link Listener#onConnectionLost}; consumers then flush what they derived from it, and the
 * feed resumes from where it can.
 */
public interface ChangeFeed extends AutoCloseable {

    interface Listener {
        void onChange(ListingChange change);

        void onConnectionLost(String reason);
    }

    /**
     * Starts delivering changes with a sequence above {@code afterSequence} (-1: only new ones). The
     * stage completes once the changes committed before the call are delivered (a replay is done), so a
     * consumer restored from a snapshot taken at {@code afterSequence} is current when it completes.
     */
    CompletionStage<Void> start(long afterSequence, Listener listener);

    /** The highest sequence delivered so far. */
    long lastSequence();

    @Override
    void close();
}
