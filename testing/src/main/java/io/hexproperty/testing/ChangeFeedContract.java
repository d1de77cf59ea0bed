package io.hexproperty.testing;

import static io.hexproperty.testing.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChangeFeed} must do: deliver the changes committed through {@link #store()} in
 * sequence order, each once per subscription, from now on or after a given sequence, with the place
 * and version of the listing. Extend it and return a new feed over the store's changes from
 * {@link #newFeed()}.
 *
 * <p>The store may be shared with other tests that write at the same time: the contract looks only at
 * changes of listings it created (a city of its own), and checks ordering over everything it received.
 */
public abstract class ChangeFeedContract {
    private static final String AGENT = "AGFEEDCONTR1";
    private static final Duration DELIVERY = Duration.ofSeconds(20);

    private final String city = "Feed City " + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final List<ChangeFeed> opened = new ArrayList<>();

    /** A new feed, not started, over the changes {@link #store()} commits. The contract closes it. */
    protected abstract ChangeFeed newFeed();

    /** The store whose writes the feed reports. */
    protected abstract ListingStore store();

    /** The state this contract's listings are in (a sharded store's feed sees only its shard's states). */
    protected String state() {
        return "IL";
    }

    @AfterEach
    void closeFeeds() {
        opened.forEach(ChangeFeed::close);
    }

    /** Collects what a feed delivers. */
    protected static final class Received implements ChangeFeed.Listener {
        final ConcurrentLinkedQueue<ListingChange> changes = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();

        public Received() {
        }

        /** Every change delivered, in delivery order. */
        public List<ListingChange> all() {
            return List.copyOf(changes);
        }

        /** The reasons of every {@link #onConnectionLost} (a consumer would have flushed). */
        public List<String> lostReasons() {
            return List.copyOf(lost);
        }

        @Override
        public void onChange(ListingChange change) {
            changes.add(change);
        }

        @Override
        public void onConnectionLost(String reason) {
            lost.add(reason);
        }

        List<ListingChange> of(ListingKey key) {
            return changes.stream().filter(c -> c.listingKey().equals(key)).toList();
        }
    }

    private Received start(long afterSequence) {
        ChangeFeed feed = newFeed();
        opened.add(feed);
        Received received = new Received();
        await(feed.start(afterSequence, received));
        return received;
    }

    private Listing create() {
        return await(store().create(ListingDrafts.draft().city(city).state(state()).build(), AGENT));
    }

    private static List<ListingChange> awaitChanges(Received received, ListingKey key, int count) {
        Awaitility.await().atMost(DELIVERY).until(() -> received.of(key).size() >= count);
        return received.of(key);
    }

    @Test
    void deliversEveryCommittedChangeOnceInSequenceOrderWithItsVersion() {
        Received received = start(-1);
        Listing created = create();
        ListingKey key = created.listingKey();
        await(store().update(key, new ListingPatch(null, Money.usd(321_000), null, null, null, null, null, null),
                OptionalLong.of(1), AGENT));
        assertThat(await(store().delete(key, AGENT))).isTrue();

        List<ListingChange> changes = awaitChanges(received, key, 3);
        assertThat(changes).extracting(ListingChange::kind)
                .containsExactly(ListingChange.Kind.UPSERT, ListingChange.Kind.UPSERT, ListingChange.Kind.DELETE);
        // A delete carries one past the last version, so its tombstone outranks every earlier read.
        assertThat(changes).extracting(ListingChange::version).containsExactly(1L, 2L, 3L);
        List<Long> all = received.changes.stream().map(ListingChange::sequence).toList();
        assertThat(all).as("every delivered sequence, in delivery order").isSorted().doesNotHaveDuplicates();
        assertThat(received.lost).isEmpty();
    }

    @Test
    void aChangeNamesThePlaceOfItsListing() {
        Received received = start(-1);
        Instant before = Instant.now().minusSeconds(60);
        Listing created = create();

        ListingChange change = awaitChanges(received, created.listingKey(), 1).getFirst();
        assertThat(change.city()).isEqualTo(city);
        assertThat(change.state()).isEqualTo(state());
        assertThat(change.h3r7()).isEqualTo(created.h3r7());
        assertThat(change.committedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(60));
    }

    @Test
    void startingFromNowSkipsWhatWasCommittedBefore() {
        Listing earlier = create();
        Received received = start(-1);
        Listing later = create();

        awaitChanges(received, later.listingKey(), 1);
        // Delivery is in sequence order and the earlier change has the lower sequence: had it been
        // delivered, it would already be here.
        assertThat(received.of(earlier.listingKey())).isEmpty();
    }

    @Test
    void startingAfterASequenceReplaysExactlyWhatFollowsIt() {
        Received first = start(-1);
        Listing a = create();
        Listing b = create();
        long afterA = awaitChanges(first, a.listingKey(), 1).getFirst().sequence();
        awaitChanges(first, b.listingKey(), 1);
        Listing c = create();

        Received resumed = start(afterA);
        List<ListingChange> replayedC = awaitChanges(resumed, c.listingKey(), 1);
        assertThat(resumed.of(a.listingKey())).as("at or before the start sequence").isEmpty();
        assertThat(resumed.of(b.listingKey())).hasSize(1);
        assertThat(resumed.of(b.listingKey()).getFirst().sequence()).isLessThan(replayedC.getFirst().sequence());
        assertThat(resumed.changes.stream().map(ListingChange::sequence).toList()).allMatch(seq -> seq > afterA);
    }

    @Test
    void aResumedFeedHasReplayedWhenItsStartCompletes() {
        Received first = start(-1);
        Listing a = create();
        long afterA = awaitChanges(first, a.listingKey(), 1).getFirst().sequence();
        Listing b = create();
        Listing c = create();

        Received resumed = start(afterA);
        // No waiting: a snapshot restored at afterA must not be served stale once the feed has started.
        assertThat(resumed.changes).extracting(ListingChange::listingKey).contains(b.listingKey(), c.listingKey());
    }

    @Test
    void lastSequenceIsTheHighestDelivered() {
        ChangeFeed feed = newFeed();
        opened.add(feed);
        Received received = new Received();
        await(feed.start(-1, received));
        Listing created = create();

        long sequence = awaitChanges(received, created.listingKey(), 1).getFirst().sequence();
        Awaitility.await().atMost(DELIVERY).until(() -> feed.lastSequence() >= sequence);
        Awaitility.await().atMost(DELIVERY).untilAsserted(() -> assertThat(feed.lastSequence())
                .isEqualTo(received.changes.stream().mapToLong(ListingChange::sequence).max().orElseThrow()));
    }
}
