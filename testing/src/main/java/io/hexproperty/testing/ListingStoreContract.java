package io.hexproperty.testing;

import static io.hexproperty.testing.ListingDrafts.draft;
import static io.hexproperty.testing.Stages.await;
import static io.hexproperty.testing.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.uber.h3core.H3Core;
import io.hexproperty.domain.BoundingBox;
import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.ListingNotFoundException;
import io.hexproperty.domain.ListingPatch;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.NotOwnerException;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchPage;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.SearchSort;
import io.hexproperty.domain.StandardStatus;
import io.hexproperty.domain.VersionConflictException;
import io.hexproperty.domain.port.out.ListingStore;
import io.hexproperty.geo.H3Cells;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link ListingStore} must do. Extend it and return the store under test from
 * {@link #store()}; the same suite runs against the in-memory store and PostgreSQL.
 *
 * <p>Stores may be shared between tests and hold other data: each test works in a city of its own
 * (a random name) and every search filters by that city, so results contain only what the test
 * created.
 */
public abstract class ListingStoreContract {
    private static final String AGENT = "AGCONTRACT01";
    private static final String OTHER_AGENT = "AGCONTRACT02";
    private static final String STATE = "WA";

    /** A city no other test uses: results of searches filtered by it are this test's alone. */
    private final String city = "Contract City " + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

    protected abstract ListingStore store();

    // ---- create and find -------------------------------------------------------------------

    @Test
    void createAssignsKeyVersionCellsAndOwnerAndFindReturnsIt() {
        ListingDraft d = inCity().listingId("MLS-42").at(47.6062, -122.3321).build();

        Listing created = await(store().create(d, AGENT));

        H3Core h3 = H3Cells.core();
        assertThat(created.listingKey().value()).matches(ListingKey.ISSUED_FORMAT);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.agentKey()).isEqualTo(AGENT);
        assertThat(created.h3r7()).isEqualTo(h3.latLngToCell(47.6062, -122.3321, 7));
        assertThat(created.h3r9()).isEqualTo(h3.latLngToCell(47.6062, -122.3321, 9));
        assertThat(created.listingId()).isEqualTo("MLS-42");
        assertThat(created.listPrice()).isEqualTo(d.listPrice());
        assertThat(await(store().find(created.listingKey()))).contains(created);
    }

    @Test
    void createdKeysAreDistinct() {
        Set<ListingKey> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            keys.add(create(b -> b).listingKey());
        }
        assertThat(keys).hasSize(20);
    }

    @Test
    void findOfUnknownKeyIsEmpty() {
        assertThat(await(store().find(ListingKey.of("NOSUCHKEY" + Math.abs(System.nanoTime() % 1000))))).isEmpty();
    }

    @Test
    void unicodeAndSqlMetacharactersAreStoredAndSearchedAsPlainText() {
        String remarks = "Café ☕ naïve — O'Brien's \"loft\"; DROP TABLE listings; -- 100% _under_ \\slash 日本語 🏠";
        String unicodeCity = "São Tomé-" + city.substring(city.lastIndexOf(' ') + 1);
        Listing odd = create(b -> b.city(unicodeCity).street("1 O'Brien's Way; --").remarks(remarks));
        create(b -> b.city(unicodeCity).remarks("plain house"));

        assertThat(await(store().find(odd.listingKey()))).contains(odd);
        assertThat(keys(search(q -> q.city(unicodeCity.toUpperCase(java.util.Locale.ROOT)).text("drop table"))))
                .containsExactly(odd.listingKey());
        assertThat(keys(search(q -> q.city(unicodeCity).text("CAFÉ naïve")))).containsExactly(odd.listingKey());
        assertThat(keys(search(q -> q.city(unicodeCity).text("'; DELETE FROM listings; --")))).isEmpty();
        assertThat(keys(search(q -> q.city(unicodeCity + "' OR '1'='1")))).isEmpty();
        assertThat(await(store().find(odd.listingKey()))).isPresent();
    }

    // ---- filters ---------------------------------------------------------------------------

    @Test
    void cityMatchesCaseInsensitivelyAndOnlyThatCity() {
        Listing a = create(b -> b);
        Listing b2 = create(b -> b);
        create(b -> b.city(city + "ville"));

        assertThat(keys(search(q -> q.city(city.toUpperCase(java.util.Locale.ROOT)))))
                .containsExactlyInAnyOrder(a.listingKey(), b2.listingKey());
    }

    @Test
    void stateFilter() {
        Listing wa = create(b -> b.state("WA"));
        create(b -> b.state("OR"));
        assertThat(keys(search(q -> q.city(city).state("wa")))).containsExactly(wa.listingKey());
    }

    @Test
    void postalCodeFilter() {
        Listing hit = create(b -> b.postalCode("98101"));
        create(b -> b.postalCode("98102"));
        assertThat(keys(search(q -> q.postalCode("98101")))).containsExactly(hit.listingKey());
    }

    @Test
    void statusAndTypeFilters() {
        Listing pendingCondo = create(b -> b.status(StandardStatus.Pending).type(PropertyType.ResidentialIncome));
        Listing activeCondo = create(b -> b.status(StandardStatus.Active).type(PropertyType.ResidentialIncome));
        create(b -> b.status(StandardStatus.Pending).type(PropertyType.Land));

        assertThat(keys(search(q -> q.status(StandardStatus.Pending).type(PropertyType.ResidentialIncome))))
                .containsExactly(pendingCondo.listingKey());
        assertThat(keys(search(q -> q.type(PropertyType.ResidentialIncome))))
                .containsExactlyInAnyOrder(pendingCondo.listingKey(), activeCondo.listingKey());
    }

    @Test
    void priceRangeIsInclusive() {
        create(b -> b.price(99_999));
        Listing low = create(b -> b.price(100_000));
        Listing mid = create(b -> b.price(150_000));
        Listing high = create(b -> b.price(200_000));
        create(b -> b.price(200_001));

        assertThat(keys(search(q -> q.minPrice(100_000).maxPrice(200_000))))
                .containsExactlyInAnyOrder(low.listingKey(), mid.listingKey(), high.listingKey());
        assertThat(keys(search(q -> q.minPrice(150_000)))).hasSize(3).contains(mid.listingKey(), high.listingKey());
        assertThat(keys(search(q -> q.maxPrice(100_000)))).hasSize(2).contains(low.listingKey());
    }

    @Test
    void minimumBedsBathsAndAreaAreInclusive() {
        Listing big = create(b -> b.beds(4).baths(3).area(2_500));
        Listing medium = create(b -> b.beds(3).baths(2).area(1_500));
        create(b -> b.beds(1).baths(1).area(600));

        assertThat(keys(search(q -> q.minBeds(3)))).containsExactlyInAnyOrder(big.listingKey(), medium.listingKey());
        assertThat(keys(search(q -> q.minBaths(3)))).containsExactly(big.listingKey());
        assertThat(keys(search(q -> q.minArea(1_500)))).containsExactlyInAnyOrder(big.listingKey(), medium.listingKey());
        assertThat(keys(search(q -> q.minBeds(4).minArea(2_501)))).isEmpty();
    }

    @Test
    void boundingBoxIncludesItsEdges() {
        Listing inside = create(b -> b.at(47.60, -122.33));
        Listing onEdge = create(b -> b.at(47.50, -122.40));
        create(b -> b.at(47.70, -122.33));
        create(b -> b.at(47.60, -122.20));

        assertThat(keys(search(q -> q.bbox(new BoundingBox(-122.40, 47.50, -122.30, 47.65)))))
                .containsExactlyInAnyOrder(inside.listingKey(), onEdge.listingKey());
    }

    @Test
    void h3CellFilterAtResolutions7And9() {
        Listing downtown = create(b -> b.at(47.6062, -122.3321));
        Listing nearby = create(b -> b.at(47.6070, -122.3330));
        Listing far = create(b -> b.at(47.7000, -122.1000));

        assertThat(keys(search(q -> q.h3(downtown.h3r7(), 7)))).contains(downtown.listingKey(), nearby.listingKey())
                .doesNotContain(far.listingKey());
        List<ListingKey> r9 = keys(search(q -> q.h3(downtown.h3r9(), 9)));
        assertThat(r9).contains(downtown.listingKey()).doesNotContain(far.listingKey());
        assertThat(r9).allSatisfy(k -> assertThat(await(store().find(k)).orElseThrow().h3r9()).isEqualTo(downtown.h3r9()));
    }

    @Test
    void textSearchMatchesAllWordsOfAddressCityAndRemarks() {
        Listing pool = create(b -> b.street("12 Lakeview Drive").remarks("Heated pool and a big garden"));
        Listing garden = create(b -> b.street("9 Hill Road").remarks("Garden flat"));

        assertThat(keys(search(q -> q.text("pool garden")))).containsExactly(pool.listingKey());
        assertThat(keys(search(q -> q.text("GARDEN")))).containsExactlyInAnyOrder(pool.listingKey(), garden.listingKey());
        assertThat(keys(search(q -> q.text("lakeview")))).containsExactly(pool.listingKey());
        assertThat(keys(search(q -> q.text("contract")))).hasSize(2);
        assertThat(keys(search(q -> q.text("swimming")))).isEmpty();
    }

    // ---- sorts and paging ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(SearchSort.class)
    void sortsBreakTiesByKeyAscending(SearchSort sort) {
        List<Listing> created = createTied(12);

        List<ListingKey> found = keys(search(q -> q.sort(sort).limit(100)));

        assertThat(found).containsExactlyElementsOf(keys(sorted(created, sort)));
    }

    @ParameterizedTest
    @EnumSource(SearchSort.class)
    void cursorPagingVisitsEveryListingOnceInOrder(SearchSort sort) {
        List<Listing> created = createTied(23);

        List<ListingKey> visited = new ArrayList<>();
        Optional<SearchCursor> cursor = Optional.empty();
        int pages = 0;
        do {
            Optional<SearchCursor> after = cursor;
            SearchPage page = search(q -> {
                q.sort(sort).limit(5);
                after.ifPresent(q::cursor);
                return q;
            });
            assertThat(page.items()).hasSizeLessThanOrEqualTo(5);
            visited.addAll(keys(page));
            cursor = page.next();
            pages++;
        } while (cursor.isPresent() && pages < 10);

        assertThat(pages).isEqualTo(5);
        assertThat(visited).doesNotHaveDuplicates().containsExactlyElementsOf(keys(sorted(created, sort)));
    }

    @Test
    void lastFullPageHasNoNextCursor() {
        createTied(4);
        SearchPage page = search(q -> q.limit(4));
        assertThat(page.items()).hasSize(4);
        assertThat(page.next()).isEmpty();
        assertThat(search(q -> q.limit(3)).next()).isPresent();
    }

    // ---- update ----------------------------------------------------------------------------

    @Test
    void updateAppliesPatchBumpsVersionAndKeepsTheRest() {
        Listing created = create(b -> b.price(500_000).remarks("original"));

        Listing updated = await(store().update(created.listingKey(), pricePatch(475_000), OptionalLong.empty(), AGENT));

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.listPrice()).isEqualTo(Money.usd(475_000));
        assertThat(updated.publicRemarks()).isEqualTo("original");
        assertThat(updated.address()).isEqualTo(created.address());
        assertThat(updated.h3r7()).isEqualTo(created.h3r7());
        assertThat(updated.modificationTimestamp()).isAfterOrEqualTo(created.modificationTimestamp());
        assertThat(await(store().find(created.listingKey()))).contains(updated);
        assertThat(keys(search(q -> q.maxPrice(480_000)))).containsExactly(created.listingKey());
    }

    @Test
    void updateWithCurrentVersionSucceedsAndWithStaleVersionConflicts() {
        Listing created = create(b -> b);
        Listing v2 = await(store().update(created.listingKey(), pricePatch(1), OptionalLong.of(1), AGENT));
        assertThat(v2.version()).isEqualTo(2);

        Throwable conflict = failure(store().update(created.listingKey(), pricePatch(2), OptionalLong.of(1), AGENT));

        assertThat(conflict).isInstanceOfSatisfying(VersionConflictException.class, e -> {
            assertThat(e.expected()).isEqualTo(1);
            assertThat(e.current()).isEqualTo(2);
        });
        assertThat(await(store().find(created.listingKey()))).contains(v2);
    }

    @Test
    void onlyTheOwnerMayUpdateOrDelete() {
        Listing created = create(b -> b);

        assertThat(failure(store().update(created.listingKey(), pricePatch(1), OptionalLong.empty(), OTHER_AGENT)))
                .isInstanceOf(NotOwnerException.class);
        assertThat(failure(store().delete(created.listingKey(), OTHER_AGENT))).isInstanceOf(NotOwnerException.class);
        assertThat(await(store().find(created.listingKey()))).contains(created);
    }

    @Test
    void invalidPatchFailsWithDomainExceptionAndChangesNothing() {
        Listing created = create(b -> b);
        ListingPatch tooManyBeds = new ListingPatch(null, null, null, Listing.MAX_ROOMS + 1, null, null, null, null);

        assertThat(failure(store().update(created.listingKey(), tooManyBeds, OptionalLong.empty(), AGENT)))
                .isInstanceOf(DomainException.class);
        assertThat(await(store().find(created.listingKey()))).contains(created);
    }

    @Test
    void updateOfUnknownOrDeletedListingIsNotFound() {
        Listing created = create(b -> b);
        assertThat(await(store().delete(created.listingKey(), AGENT))).isTrue();

        assertThat(failure(store().update(created.listingKey(), pricePatch(1), OptionalLong.empty(), AGENT)))
                .isInstanceOf(ListingNotFoundException.class);
        assertThat(failure(store().update(ListingKey.of("HXNOSUCHKEY00"), pricePatch(1), OptionalLong.of(1), AGENT)))
                .isInstanceOf(ListingNotFoundException.class);
    }

    @Test
    void concurrentUpdatesAreAllAppliedWithDistinctVersions() {
        Listing created = create(b -> b.photos(0));
        int writers = 16;

        List<CompletableFuture<Listing>> updates = IntStream.range(0, writers)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> store().update(created.listingKey(),
                        new ListingPatch(null, null, null, null, null, null, i + 1, null), OptionalLong.empty(), AGENT))
                        .thenCompose(s -> s))
                .toList();

        List<Long> versions = updates.stream().map(f -> await(f).version()).toList();
        assertThat(versions).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(2L, 1L + writers));
        assertThat(await(store().find(created.listingKey())).orElseThrow().version()).isEqualTo(1L + writers);
    }

    // ---- delete ----------------------------------------------------------------------------

    @Test
    void deleteRemovesTheListingOnce() {
        Listing created = create(b -> b);
        Listing kept = create(b -> b);

        assertThat(await(store().delete(created.listingKey(), AGENT))).isTrue();
        assertThat(await(store().delete(created.listingKey(), AGENT))).isFalse();
        assertThat(await(store().find(created.listingKey()))).isEmpty();
        assertThat(keys(search(q -> q))).containsExactly(kept.listingKey());
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Listings with only three distinct dates and prices, so every sort has many ties. */
    private List<Listing> createTied(int n) {
        List<Listing> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int bucket = i % 3;
            created.add(create(b -> b.contractDate(LocalDate.of(2026, 1, 10 + bucket)).price(300_000 + 50_000L * (2 - bucket))));
        }
        return created;
    }

    /** The orders the port promises, written out independently of any store. */
    private static List<Listing> sorted(List<Listing> listings, SearchSort sort) {
        Comparator<Listing> byKey = Comparator.comparing(l -> l.listingKey().value());
        Comparator<Listing> order = switch (sort) {
            case NEWEST -> Comparator.comparing(Listing::listingContractDate, Comparator.reverseOrder()).thenComparing(byKey);
            case PRICE_ASC -> Comparator.comparingLong((Listing l) -> l.listPrice().dollars()).thenComparing(byKey);
            case PRICE_DESC -> Comparator.comparingLong((Listing l) -> -l.listPrice().dollars()).thenComparing(byKey);
        };
        return listings.stream().sorted(order).toList();
    }

    private static ListingPatch pricePatch(long dollars) {
        return new ListingPatch(null, Money.usd(dollars), null, null, null, null, null, null);
    }

    private ListingDrafts inCity() {
        return draft().city(city).state(STATE).postalCode("98000").remarks("contract fixture");
    }

    private Listing create(UnaryOperator<ListingDrafts> customise) {
        return await(store().create(customise.apply(inCity()).build(), AGENT));
    }

    /** A search restricted to this test's city (unless the customisation names another city). */
    private SearchPage search(UnaryOperator<SearchQuery.Builder> customise) {
        return await(store().search(customise.apply(SearchQuery.builder().city(city).limit(SearchQuery.MAX_LIMIT)).build()));
    }

    private static List<ListingKey> keys(SearchPage page) {
        return keys(page.items());
    }

    private static List<ListingKey> keys(List<Listing> listings) {
        return listings.stream().map(Listing::listingKey).toList();
    }
}
