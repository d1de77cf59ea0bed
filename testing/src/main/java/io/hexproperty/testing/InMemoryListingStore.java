package io.hexproperty.testing;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.VersionConflictException;
import io.hexproperty.domain.port.out.ChangeFeed;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.geo.H3Cells;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A {@link ListingStore} in a map, with the PostgreSQL store's semantics (keys, H3 cells, versions,
 * owner and If-Match checks, filters, sorts and keyset pages) and a change outbox in memory, read by
 * {@link #changeFeed()} feeds. Thread-safe: every operation holds the store's lock, and results complete
 * before they are returned.
 *
 * <p>Text search approximates PostgreSQL's {@code 'simple'} configuration: address, city and
 * remarks are split into lower-case words of letters and digits, and every word of the query must
 * occur.
 */
public final class InMemoryListingStore implements ListingStore {

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<ListingKey, Listing> listings = new HashMap<>();
    /** Every committed change, in commit order; change {@code i} has sequence {@code i + 1} (gap-free, as the outbox id). */
    private final List<ListingChange> outbox = new java.util.ArrayList<>();
    private final List<InMemoryChangeFeed> feeds = new java.util.concurrent.CopyOnWriteArrayList<>();

    public InMemoryListingStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stores a listing as given (key, version and all), as a bulk import would. */
    public synchronized void put(Listing listing) {
        listings.put(listing.listingKey(), listing);
    }

    public synchronized int size() {
        return listings.size();
    }

    @Override
    public synchronized CompletionStage<Optional<Listing>> find(ListingKey key) {
        return CompletableFuture.completedFuture(Optional.ofNullable(listings.get(key)));
    }

    @Override
    public synchronized CompletionStage<SearchPage> search(SearchQuery query) {
        Predicate<Listing> filter = filter(query);
        List<Listing> fetched = listings.values().stream()
                .filter(filter)
                .sorted(order(query))
                .filter(l -> query.cursor().map(c -> isAfter(query, c, l)).orElse(true))
                .limit(query.limit() + 1L)
                .toList();
        return CompletableFuture.completedFuture(SearchPage.of(query, fetched));
    }

    @Override
    public synchronized CompletionStage<Listing> create(ListingDraft draft, String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        try {
            ListingKey key;
            do {
                key = ListingKey.random(random);
            } while (listings.containsKey(key));
            Listing listing = draft.toListing(key, agentKey,
                    H3Cells.r7(draft.location()),
                    H3Cells.r9(draft.location()), now());
            listings.put(key, listing);
            commit(listing, listing.version(), ListingChange.Kind.UPSERT);
            return CompletableFuture.completedFuture(listing);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletionStage<Listing> update(ListingKey key, ListingPatch patch, OptionalLong expectedVersion,
                                                       String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        try {
            Listing current = owned(key, agentKey);
            if (current == null) {
                throw new ListingNotFoundException(key);
            }
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != current.version()) {
                throw new VersionConflictException(key, expectedVersion.getAsLong(), current.version());
            }
            Listing next = patch.applyTo(current, now());
            listings.put(key, next);
            commit(next, next.version(), ListingChange.Kind.UPSERT);
            return CompletableFuture.completedFuture(next);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletionStage<Boolean> delete(ListingKey key, String agentKey) {
        Objects.requireNonNull(agentKey, "agentKey");
        try {
            Listing current = owned(key, agentKey);
            if (current == null) {
                return CompletableFuture.completedFuture(false);
            }
            listings.remove(key);
            commit(current, current.version() + 1, ListingChange.Kind.DELETE); // a tombstone outranks every earlier read
            return CompletableFuture.completedFuture(true);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A new feed over this store's changes, not started. */
    public ChangeFeed changeFeed() {
        return new InMemoryChangeFeed(this);
    }

    private void commit(Listing listing, long version, ListingChange.Kind kind) {
        ListingChange change = new ListingChange(outbox.size() + 1L, listing.listingKey(), version, kind,
                listing.address().city(), listing.address().stateOrProvince(), listing.h3r7(), now());
        outbox.add(change);
        for (InMemoryChangeFeed feed : feeds) {
            feed.deliver(change);
        }
    }

    /** Under the store's lock: replays what follows {@code afterSequence} (-1: nothing) and subscribes {@code feed}. */
    synchronized void subscribe(InMemoryChangeFeed feed, long afterSequence) {
        long from = afterSequence < 0 ? outbox.size() : afterSequence;
        for (int i = (int) Math.min(from, outbox.size()); i < outbox.size(); i++) {
            feed.deliver(outbox.get(i));
        }
        feeds.add(feed);
    }

    void unsubscribe(InMemoryChangeFeed feed) {
        feeds.remove(feed);
    }

    private Listing owned(ListingKey key, String agentKey) {
        Listing current = listings.get(key);
        if (current != null && !current.managedBy(agentKey)) {
            throw new NotOwnerException(key, agentKey);
        }
        return current;
    }

    private java.time.Instant now() {
        // PostgreSQL keeps microseconds; the same precision keeps both stores interchangeable.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static Predicate<Listing> filter(SearchQuery q) {
        Predicate<Listing> p = l -> true;
        if (q.city().isPresent()) {
            String city = q.city().get().toLowerCase(Locale.ROOT);
            p = p.and(l -> l.address().city().toLowerCase(Locale.ROOT).equals(city));
        }
        if (q.state().isPresent()) {
            p = p.and(l -> l.address().stateOrProvince().equals(q.state().get()));
        }
        if (q.postalCode().isPresent()) {
            p = p.and(l -> l.address().postalCode().equals(q.postalCode().get()));
        }
        if (q.status().isPresent()) {
            p = p.and(l -> l.standardStatus() == q.status().get());
        }
        if (!q.types().isEmpty()) {
            p = p.and(l -> q.types().contains(l.propertyType()));
        }
        if (q.minPrice().isPresent()) {
            p = p.and(l -> l.listPrice().dollars() >= q.minPrice().getAsLong());
        }
        if (q.maxPrice().isPresent()) {
            p = p.and(l -> l.listPrice().dollars() <= q.maxPrice().getAsLong());
        }
        if (q.minBeds().isPresent()) {
            p = p.and(l -> l.bedroomsTotal() >= q.minBeds().getAsInt());
        }
        if (q.minBaths().isPresent()) {
            p = p.and(l -> l.bathroomsTotalInteger() >= q.minBaths().getAsInt());
        }
        if (q.minArea().isPresent()) {
            p = p.and(l -> l.livingArea() >= q.minArea().getAsInt());
        }
        if (q.bbox().isPresent()) {
            p = p.and(l -> q.bbox().get().contains(l.location()));
        }
        if (q.h3Cell().isPresent()) {
            long cell = q.h3Cell().getAsLong();
            p = p.and(l -> (q.h3Resolution() == 7 ? l.h3r7() : l.h3r9()) == cell);
        }
        if (q.text().isPresent()) {
            Set<String> wanted = words(q.text().get());
            p = p.and(l -> !wanted.isEmpty() && words(l.address().unparsedAddress() + " " + l.address().city() + " "
                    + Objects.requireNonNullElse(l.publicRemarks(), "")).containsAll(wanted));
        }
        return p;
    }

    static Comparator<Listing> order(SearchQuery q) {
        Comparator<Listing> primary = switch (q.sort()) {
            case NEWEST -> Comparator.comparing(Listing::listingContractDate).reversed();
            case PRICE_ASC -> Comparator.comparing(Listing::listPrice);
            case PRICE_DESC -> Comparator.comparing(Listing::listPrice).reversed();
        };
        return primary.thenComparing(Listing::listingKey);
    }

    private static boolean isAfter(SearchQuery q, SearchCursor c, Listing l) {
        int bySort = switch (q.sort()) {
            case NEWEST -> Long.compare(c.sortValue(), l.listingContractDate().toEpochDay());
            case PRICE_ASC -> Long.compare(l.listPrice().dollars(), c.sortValue());
            case PRICE_DESC -> Long.compare(c.sortValue(), l.listPrice().dollars());
        };
        return bySort > 0 || (bySort == 0 && l.listingKey().compareTo(c.lastKey()) > 0);
    }

    static Set<String> words(String text) {
        return java.util.Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .collect(Collectors.toSet());
    }
}
