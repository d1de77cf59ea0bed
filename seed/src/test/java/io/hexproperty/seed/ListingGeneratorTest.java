package io.hexproperty.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.domain.ListingKey;
import io.hexproperty.geo.H3Cells;
import io.hexproperty.testing.lane.Unit;
import com.uber.h3core.H3Core;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@Unit
class ListingGeneratorTest {
    private static final Instant AS_OF = Instant.parse("2026-01-01T12:00:00Z");
    private static final int SAMPLE = 10_000;

    private static ListingGenerator generator;
    private static List<Listing> sample;

    @BeforeAll
    static void generate() {
        generator = ListingGenerator.create(42, AS_OF);
        sample = generator.listings(0, SAMPLE).toList();
    }

    @Test
    void sameSeedAndDateGiveTheSameListingsInAnyOrder() {
        ListingGenerator again = ListingGenerator.create(42, AS_OF);
        assertThat(again.listings(0, 1_000).toList()).isEqualTo(sample.subList(0, 1_000));
        // Splittable: a listing does not depend on the ones generated before it.
        assertThat(again.listing(7_777)).isEqualTo(sample.get(7_777));
        assertThat(again.listings(9_990, 10_000).toList()).isEqualTo(sample.subList(9_990, 10_000));
    }

    @Test
    void anotherSeedGivesOtherListingsUnderTheSameKeys() {
        ListingGenerator other = ListingGenerator.create(43, AS_OF);
        List<Listing> others = other.listings(0, 200).toList();
        long samePlace = 0;
        for (int i = 0; i < 200; i++) {
            assertThat(others.get(i).listingKey()).isEqualTo(sample.get(i).listingKey());
            if (others.get(i).address().equals(sample.get(i).address())) {
                samePlace++;
            }
        }
        assertThat(samePlace).isZero();
    }

    @Test
    void listingKeysAreUniqueWellFormedAndComputableFromTheIndex() {
        Set<String> keys = new HashSet<>();
        for (long i = 0; i < 200_000; i++) {
            String key = ListingKey.ofIndex(i).value();
            assertThat(key).matches(ListingKey.ISSUED_FORMAT);
            keys.add(key);
        }
        assertThat(keys).hasSize(200_000);
        assertThat(ListingKey.ofIndex(ListingGenerator.MAX_INDEX).value()).hasSize(12);
        assertThat(sample.get(123).listingKey()).isEqualTo(ListingKey.ofIndex(123));
        assertThat(sample.get(123).listingId()).isEqualTo("MLS10000123");
        assertThatThrownBy(() -> ListingKey.ofIndex(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.listing(ListingGenerator.MAX_INDEX + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(ListingGenerator.MAX_INDEX));
    }

    @Test
    void bigMetrosDominateAndTheLongTailIsThere() {
        Map<String, Integer> byCity = new HashMap<>();
        sample.forEach(l -> byCity.merge(l.address().city() + ", " + l.address().stateOrProvince(), 1, Integer::sum));
        assertThat(byCity).containsKeys("Houston, TX", "New York, NY", "Los Angeles, CA", "Chicago, IL", "Brooklyn, NY");
        assertThat(byCity).doesNotContainKey("New York City, NY");
        // Population share of Houston is ~0.9%: about 90 of 10,000.
        assertThat(byCity.get("Houston, TX")).isBetween(50, 140);
        assertThat(byCity.get("Los Angeles, CA")).isGreaterThan(byCity.get("Houston, TX"));
        int[] counts = byCity.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        int top20 = Arrays.stream(counts, counts.length - 20, counts.length).sum();
        assertThat(top20).as("listings in the 20 biggest cities").isBetween(1_000, 2_500);
        assertThat(byCity.size()).as("distinct places").isGreaterThan(3_000);
        assertThat(sample.stream().map(l -> l.address().stateOrProvince()).distinct().count()).isGreaterThanOrEqualTo(48);
    }

    @Test
    void aDefaultSeedOfOneHundredThousandHasHoustonListings() {
        long houston = 0;
        for (long i = 0; i < 100_000; i++) {
            Place p = generator.placeOf(i);
            if (p.name().equals("Houston") && p.state().equals("TX")) {
                houston++;
            }
        }
        assertThat(houston).isBetween(600L, 1_200L);
    }

    @Test
    void addressesAndPostalCodesAreWellFormed() {
        for (Listing l : sample) {
            assertThat(l.address().postalCode()).matches("[0-9]{5}");
            assertThat(l.address().unparsedAddress()).matches("[0-9]+ [0-9A-Za-z]+ [A-Za-z]+( (Apt [0-9]+[A-H]|Unit [0-9]+|#[0-9]+))?");
            assertThat(l.publicRemarks()).isNotBlank().hasSizeLessThan(400);
            assertThat(l.agentKey()).as("generated listings belong to the MLS feed account").isEqualTo(io.hexproperty.domain.Agent.MLS_FEED_KEY);
            assertThat(l.version()).isEqualTo(1);
        }
        Listing houston = sample.stream().filter(l -> l.address().city().equals("Houston")).findFirst().orElseThrow();
        assertThat(houston.address().postalCode()).startsWith("77");
        assertThat(houston.publicRemarks()).contains("Houston");
    }

    @Test
    void coordinatesLieNearTheirPlaceAndH3CellsMatchThem() throws Exception {
        H3Core h3 = H3Cells.core();
        for (int i = 0; i < SAMPLE; i++) {
            Listing l = sample.get(i);
            Place place = generator.placeOf(i);
            assertThat(l.address().city()).isEqualTo(place.name());
            double x = (l.location().longitude() - place.longitude()) * 111.2 * Math.cos(Math.toRadians(place.latitude()));
            double y = (l.location().latitude() - place.latitude()) * 111.2;
            double km = Math.sqrt(x * x + y * y);
            assertThat(km).as("distance of %s from %s", l.listingKey(), place).isLessThanOrEqualTo(
                    ListingGenerator.radiusKm(place.population()) + 0.01);
            assertThat(l.h3r9()).isEqualTo(h3.latLngToCell(l.location().latitude(), l.location().longitude(), 9));
            // The cell containing the point at each resolution (H3 cells do not nest exactly, so this is not
            // always the res-9 cell's parent).
            assertThat(l.h3r7()).isEqualTo(h3.latLngToCell(l.location().latitude(), l.location().longitude(), 7));
            assertThat(h3.getResolution(l.h3r7())).isEqualTo(7);
        }
    }

    @Test
    void pricesAndSizesAreSaneForEachType() {
        for (Listing l : sample) {
            long price = l.listPrice().dollars();
            switch (l.propertyType()) {
                case Residential, ResidentialIncome, Farm -> {
                    assertThat(price).as("sale price of %s", l).isBetween(19_000L, 60_000_000L);
                    assertThat(l.livingArea()).isBetween(350, 40_000);
                    assertThat(l.bathroomsTotalInteger()).isBetween(1, Math.max(2, l.bedroomsTotal() + 1));
                }
                case ResidentialLease -> {
                    assertThat(price).as("monthly rent of %s", l).isBetween(450L, 60_000L);
                    assertThat(l.livingArea()).isBetween(350, 15_000);
                }
                case Land -> {
                    assertThat(price).isBetween(5_000L, 20_000_000L);
                    assertThat(l.livingArea()).isZero();
                    assertThat(l.bedroomsTotal()).isZero();
                }
                case CommercialSale -> assertThat(price).isBetween(20_000L, 500_000_000L);
                case CommercialLease -> assertThat(price).isBetween(500L, 5_000_000L);
            }
            assertThat(l.bedroomsTotal()).isBetween(0, 60);
            assertThat(l.photosCount()).isBetween(0, 60);
        }
        double residential = median(sample, l -> l.propertyType() == PropertyType.Residential, false);
        assertThat(residential).isBetween(220_000.0, 600_000.0);
        double rent = median(sample, l -> l.propertyType() == PropertyType.ResidentialLease, false);
        assertThat(rent).isBetween(1_200.0, 4_000.0);
    }

    @Test
    void pricesFollowRegionAndBedroomsFollowArea() {
        Predicate<Listing> homes = l -> l.propertyType() == PropertyType.Residential;
        double ca = median(sample, homes.and(l -> l.address().stateOrProvince().equals("CA")), true);
        double tx = median(sample, homes.and(l -> l.address().stateOrProvince().equals("TX")), true);
        double oh = median(sample, homes.and(l -> l.address().stateOrProvince().equals("OH")), true);
        assertThat(ca).as("CA $/sqft vs TX").isGreaterThan(2 * tx);
        assertThat(ca).as("CA $/sqft vs OH").isGreaterThan(2.5 * oh);
        double manhattan = median(sample, homes.and(l -> l.address().city().equals("New York")), true);
        assertThat(manhattan).isGreaterThan(ca);

        double smallBeds = sample.stream().filter(homes).filter(l -> l.livingArea() < 1_200)
                .mapToInt(Listing::bedroomsTotal).average().orElseThrow();
        double bigBeds = sample.stream().filter(homes).filter(l -> l.livingArea() > 2_800)
                .mapToInt(Listing::bedroomsTotal).average().orElseThrow();
        assertThat(bigBeds).isGreaterThan(smallBeds + 2);
        double fewBaths = sample.stream().filter(homes).filter(l -> l.bedroomsTotal() <= 2)
                .mapToInt(Listing::bathroomsTotalInteger).average().orElseThrow();
        double manyBaths = sample.stream().filter(homes).filter(l -> l.bedroomsTotal() >= 5)
                .mapToInt(Listing::bathroomsTotalInteger).average().orElseThrow();
        assertThat(manyBaths).isGreaterThan(fewBaths + 1);
    }

    @Test
    void typesStatusesAndDatesFollowTheirShares() {
        Map<PropertyType, Long> types = new HashMap<>();
        Map<StandardStatus, Long> statuses = new HashMap<>();
        LocalDate today = LocalDate.ofInstant(AS_OF, ZoneOffset.UTC);
        for (Listing l : sample) {
            types.merge(l.propertyType(), 1L, Long::sum);
            statuses.merge(l.standardStatus(), 1L, Long::sum);
            assertThat(l.listingContractDate()).isBetween(today.minusDays(730), today);
            assertThat(l.modificationTimestamp()).isBetween(
                    l.listingContractDate().atStartOfDay(ZoneOffset.UTC).toInstant(), AS_OF);
        }
        assertThat(types.get(PropertyType.Residential)).isBetween(6_800L, 7_900L);
        assertThat(types.get(PropertyType.ResidentialLease)).isBetween(1_200L, 1_600L);
        assertThat(types).containsKeys(PropertyType.values());
        assertThat(statuses.get(StandardStatus.Active)).isBetween(6_500L, 7_100L);
        assertThat(statuses).containsKeys(StandardStatus.values());
        long recentActive = sample.stream().filter(l -> l.standardStatus() == StandardStatus.Active)
                .filter(l -> l.listingContractDate().isAfter(today.minusDays(90))).count();
        assertThat(recentActive).as("active listings from the last 90 days").isGreaterThan(statuses.get(StandardStatus.Active) / 2);
        assertThat(sample.stream().filter(l -> l.photosCount() == 0).count()).isBetween(100L, 1_000L);
    }

    private static double median(List<Listing> listings, Predicate<Listing> filter, boolean perSqft) {
        double[] values = listings.stream().filter(filter)
                .mapToDouble(l -> perSqft ? (double) l.listPrice().dollars() / l.livingArea() : l.listPrice().dollars())
                .sorted().toArray();
        assertThat(values).as("sample for a median").hasSizeGreaterThan(20);
        return values[values.length / 2];
    }
}
