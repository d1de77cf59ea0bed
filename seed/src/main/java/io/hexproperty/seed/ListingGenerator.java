package io.hexproperty.seed;

import io.hexproperty.domain.Address;
import io.hexproperty.domain.Agent;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import io.hexproperty.geo.H3Cells;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Realistic, deterministic US listings: listing {@code i} of seed {@code s} as of instant {@code t}
 * is always the same record, whoever asks and in whatever order.
 *
 * <p>Every listing draws from its own {@link SplittableRandom} seeded by mixing the seed with the
 * index, so any range of indexes can be generated independently (parallel chunks, or one listing
 * re-created on demand by a load test) without replaying the ones before it.
 *
 * <p>The model, one draw after another: a place is picked in proportion to its population (big
 * metros dominate, a long tail of towns follows); the location is jittered around the place's
 * centroid within a radius that grows with population, and points that land far from every ZIP
 * centroid (the sea, mostly) are drawn again; the PostalCode is the nearest ZCTA centroid. Type
 * and status follow national shares. Living area is log-normal, bedrooms follow area and bathrooms
 * follow bedrooms; the price is area times the place's {@link PriceLevel} with log-normal noise,
 * or a monthly rent for leases. Dates spread over the two years before {@code asOf}, on-market
 * listings skewing recent. Every listing belongs to the MLS feed account ({@link Agent#MLS_FEED_KEY}):
 * seeded listings stand for a feed import, and agents (who create their own through the API) cannot
 * change them; brokers and admins can (ADR 0015).
 */
public final class ListingGenerator {
    /** Indexes must fit in the 50 bits that the ten base-32 characters of a ListingKey hold. */
    public static final long MAX_INDEX = ListingKey.MAX_INDEX;

    private static final int HISTORY_DAYS = 730;

    private final long seed;
    private final Instant asOf;
    private final LocalDate asOfDate;
    private final long asOfDayStart;
    private final Places places;
    private final ZctaIndex zctas;
    private final double[] centreGapKm;

    private ListingGenerator(long seed, Instant asOf, ReferenceData data) {
        this.seed = seed;
        this.asOf = asOf;
        this.asOfDate = LocalDate.ofInstant(asOf, ZoneOffset.UTC);
        this.asOfDayStart = asOfDate.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        this.places = data.places;
        this.zctas = data.zctas;
        this.centreGapKm = data.centreGapKm;
    }

    /**
     * A generator of the listings of {@code seed}, dated as of {@code asOf} (seconds are kept,
     * nanos dropped). The reference data is read once per JVM and shared; instances are immutable
     * and thread-safe.
     */
    public static ListingGenerator create(long seed, Instant asOf) {
        Objects.requireNonNull(asOf, "asOf");
        return new ListingGenerator(seed, Instant.ofEpochSecond(asOf.getEpochSecond()), ReferenceData.get());
    }

    public long seed() {
        return seed;
    }

    public Instant asOf() {
        return asOf;
    }

    /** Listings {@code from} (inclusive) to {@code to} (exclusive), in index order. */
    public Stream<Listing> listings(long from, long to) {
        if (from < 0 || to < from || to > MAX_INDEX + 1) {
            throw new IllegalArgumentException("index range [" + from + ", " + to + ") must lie within [0, "
                    + (MAX_INDEX + 1) + ")");
        }
        return LongStream.range(from, to).mapToObj(this::listing);
    }

    /** The MLS number of index {@code i}. */
    public static String listingId(long index) {
        checkIndex(index);
        return "MLS" + (10_000_000L + index);
    }

    public Listing listing(long index) {
        checkIndex(index);
        SplittableRandom rnd = random(index);
        int placeIndex = places.pick(rnd.nextDouble());
        Place place = places.get(placeIndex);
        Located located = locate(rnd, place, centreGapKm[placeIndex]);
        double lat = located.lat;
        double lon = located.lon;
        String zip = zctas.zip(located.zcta);

        PropertyType type = propertyType(rnd, place.population());
        StandardStatus status = status(rnd);
        boolean condo = (type == PropertyType.Residential || type == PropertyType.ResidentialLease)
                && rnd.nextDouble() < condoShare(place);
        double perSqft = PriceLevel.perSquareFoot(place);
        Spec spec = switch (type) {
            case Residential -> home(rnd, place, perSqft, condo, false);
            case ResidentialLease -> home(rnd, place, perSqft, condo, true);
            case ResidentialIncome -> income(rnd, perSqft);
            case Land -> land(rnd, place);
            case Farm -> farm(rnd, place);
            case CommercialSale -> commercial(rnd, perSqft, false);
            case CommercialLease -> commercial(rnd, perSqft, true);
        };

        int daysAgo = daysAgo(rnd, status);
        LocalDate contractDate = asOfDate.minusDays(daysAgo);
        Instant modified = modified(rnd, status, contractDate);
        int photos = photos(rnd, type);
        boolean smallTown = place.population() < 20_000;
        String street = Words.streetAddress(rnd, smallTown, condo);
        String remarks = Words.remarks(rnd, type, spec.beds, spec.baths, spec.area, condo, place.name());

        return new Listing(
                ListingKey.ofIndex(index),
                listingId(index),
                status,
                Money.usd(spec.price),
                type,
                spec.beds,
                spec.baths,
                spec.area,
                new Address(street, place.name(), place.state(), zip),
                new GeoPoint(lat, lon),
                H3Cells.r7(lat, lon),
                H3Cells.r9(lat, lon),
                contractDate,
                modified,
                photos,
                remarks,
                Agent.MLS_FEED_KEY,
                1);
    }

    /**
     * The StateOrProvince of listing {@code index}, from its first draw alone: far cheaper than
     * {@link #listing}, so a shard's seeder can pick its listings out of the whole stream.
     */
    public String stateOf(long index) {
        return placeOf(index).state();
    }

    /**
     * The population of each state in the reference places: the expected share of generated
     * listings each state gets (places are drawn in proportion to population).
     */
    public static Map<String, Long> statePopulations() {
        Places places = ReferenceData.get().places;
        Map<String, Long> totals = new TreeMap<>();
        for (int i = 0; i < places.size(); i++) {
            totals.merge(places.get(i).state(), (long) places.get(i).population(), Long::sum);
        }
        return Collections.unmodifiableMap(totals);
    }

    /** The place listing {@code index} was drawn in (its first draw), for tests of the location model. */
    Place placeOf(long index) {
        checkIndex(index);
        return places.get(places.pick(random(index).nextDouble()));
    }

    private SplittableRandom random(long index) {
        return new SplittableRandom(SeedMix.mix(seed ^ SeedMix.mix(index + 0x632BE59BD9B4E019L)));
    }

    /** The radius (km) a place's listings spread over: the radius of a disc at ~1,500 people per km². */
    static double radiusKm(int population) {
        return Math.clamp(Math.sqrt(population / (Math.PI * 1_500)), 1.0, 25.0);
    }

    /**
     * A point within the place's radius, uniform over the disc, rounded to six decimals (~0.1 m).
     * A point much farther from its nearest ZIP centroid than the town centre is (a bay, the
     * ocean, a desert with nobody in it) is drawn again; after a few misses it falls back near the centre.
     */
    private Located locate(SplittableRandom rnd, Place place, double centreGap) {
        double radius = radiusKm(place.population());
        double tolerance = Math.max(centreGap, 2.5) + 1.5;
        double cosLat = Math.cos(Math.toRadians(place.latitude()));
        for (int attempt = 0; attempt < 8; attempt++) {
            double scale = attempt < 6 ? 1.0 : 0.15;
            double r = radius * scale * Math.sqrt(rnd.nextDouble());
            double theta = 2 * Math.PI * rnd.nextDouble();
            double lat = round6(place.latitude() + r * Math.cos(theta) / 111.2);
            double lon = round6(place.longitude() + r * Math.sin(theta) / (111.2 * cosLat));
            int zcta = zctas.nearest(lat, lon);
            if (attempt == 7 || zctas.distanceKm(zcta, lat, lon) <= tolerance) {
                return new Located(lat, lon, zcta);
            }
        }
        throw new AssertionError("unreachable: the last attempt always returns");
    }

    private record Located(double lat, double lon, int zcta) {}

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static PropertyType propertyType(SplittableRandom rnd, int population) {
        double u = rnd.nextDouble();
        boolean metro = population >= 300_000;
        boolean rural = population < 20_000;
        if ((u -= 0.14) < 0) {
            return PropertyType.ResidentialLease;
        }
        if ((u -= (metro ? 0.02 : 0.06)) < 0) {
            return PropertyType.Land;
        }
        if ((u -= 0.03) < 0) {
            return PropertyType.ResidentialIncome;
        }
        if ((u -= 0.02) < 0) {
            return PropertyType.CommercialSale;
        }
        if ((u -= 0.015) < 0) {
            return PropertyType.CommercialLease;
        }
        if (rural && (u -= 0.02) < 0) {
            return PropertyType.Farm;
        }
        return PropertyType.Residential;
    }

    private static StandardStatus status(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        if ((u -= 0.68) < 0) {
            return StandardStatus.Active;
        }
        if ((u -= 0.03) < 0) {
            return StandardStatus.ComingSoon;
        }
        if ((u -= 0.08) < 0) {
            return StandardStatus.Pending;
        }
        if ((u -= 0.04) < 0) {
            return StandardStatus.ActiveUnderContract;
        }
        if ((u -= 0.10) < 0) {
            return StandardStatus.Closed;
        }
        if ((u -= 0.03) < 0) {
            return StandardStatus.Expired;
        }
        if ((u -= 0.025) < 0) {
            return StandardStatus.Withdrawn;
        }
        return StandardStatus.Canceled;
    }

    private static double condoShare(Place place) {
        if (place.state().equals("NY") && place.population() >= 400_000) {
            return 0.8;
        }
        int p = place.population();
        return p >= 1_000_000 ? 0.55 : p >= 300_000 ? 0.3 : p >= 50_000 ? 0.15 : 0.05;
    }

    private record Spec(long price, int area, int beds, int baths) {}

    private static Spec home(SplittableRandom rnd, Place place, double perSqft, boolean condo, boolean lease) {
        int p = place.population();
        double median = (lease ? 1_250 : 1_850) * (p >= 1_000_000 ? 0.8 : p >= 300_000 ? 0.9 : 1.0) * (condo ? 0.6 : 1.0);
        int area = (int) Math.clamp(Math.round(median * Math.exp(0.38 * rnd.nextGaussian())), 350, 15_000);
        int beds = area < 500 ? rnd.nextInt(2)
                : (int) Math.clamp(Math.round(area / 560.0 + 0.6 * rnd.nextGaussian()), 1, 8);
        int baths = bathsFor(rnd, beds, area);
        double value = area * perSqft * Math.exp(0.22 * rnd.nextGaussian());
        if (!lease) {
            return new Spec(salePrice(rnd, value), area, beds, baths);
        }
        // Gross monthly rent yield falls as homes get dearer: ~0.68% at $300k, ~0.42% at $1.2M.
        double ratio = 0.0068 * Math.pow(value / 300_000, -0.35);
        long rent = Math.max(450, Math.round(value * ratio * Math.exp(0.1 * rnd.nextGaussian()) / 25) * 25);
        return new Spec(rent, area, beds, baths);
    }

    private static Spec income(SplittableRandom rnd, double perSqft) {
        int area = (int) Math.clamp(Math.round(3_200 * Math.exp(0.35 * rnd.nextGaussian())), 1_200, 40_000);
        int beds = (int) Math.clamp(Math.round(area / 600.0 + rnd.nextGaussian()), 2, 60);
        int baths = Math.max(2, (int) Math.round(beds * 0.6));
        return new Spec(salePrice(rnd, area * perSqft * 0.85 * Math.exp(0.25 * rnd.nextGaussian())), area, beds, baths);
    }

    private static Spec land(SplittableRandom rnd, Place place) {
        double value = 90_000 * PriceLevel.stateFactor(place.state()) * Math.exp(0.8 * rnd.nextGaussian());
        long price = Math.clamp(Math.round(value / 500) * 500, 5_000L, 20_000_000L);
        return new Spec(price, 0, 0, 0);
    }

    private static Spec farm(SplittableRandom rnd, Place place) {
        int area = (int) Math.clamp(Math.round(2_200 * Math.exp(0.35 * rnd.nextGaussian())), 900, 12_000);
        int beds = (int) Math.clamp(Math.round(area / 600.0 + 0.6 * rnd.nextGaussian()), 2, 8);
        double value = 450_000 * PriceLevel.stateFactor(place.state()) * Math.exp(0.6 * rnd.nextGaussian());
        return new Spec(salePrice(rnd, value), area, beds, bathsFor(rnd, beds, area));
    }

    private static Spec commercial(SplittableRandom rnd, double perSqft, boolean lease) {
        int area = (int) Math.clamp(Math.round((lease ? 3_000 : 6_000) * Math.exp(0.9 * rnd.nextGaussian())), 500, 250_000);
        int baths = Math.min(40, 1 + area / 5_000);
        if (lease) {
            // Monthly rent: roughly 0.75% of value per month, per square foot.
            long rent = Math.round(area * perSqft * 0.0075 * Math.exp(0.2 * rnd.nextGaussian()) / 50) * 50;
            return new Spec(Math.max(500, rent), area, 0, baths);
        }
        return new Spec(salePrice(rnd, area * perSqft * 0.75 * Math.exp(0.3 * rnd.nextGaussian())), area, 0, baths);
    }

    private static int bathsFor(SplittableRandom rnd, int beds, int area) {
        int baths = (int) Math.round(beds * 0.55 + area / 2_500.0 + 0.4 * rnd.nextGaussian());
        return Math.clamp(baths, 1, Math.max(1, beds + 1));
    }

    /** Asking prices end the way agents write them: $349,900 or $1,250,000. */
    private static long salePrice(SplittableRandom rnd, double value) {
        long v = Math.max(20_000, Math.round(value));
        if (v >= 1_000_000) {
            return Math.min(Money.MAX, Math.round(v / 5_000.0) * 5_000);
        }
        long thousands = Math.round(v / 1_000.0) * 1_000;
        return rnd.nextBoolean() ? thousands - 100 : thousands;
    }

    private static int daysAgo(SplittableRandom rnd, StandardStatus status) {
        double days = switch (status) {
            case ComingSoon -> rnd.nextInt(14);
            case Active -> rnd.nextDouble() < 0.15 ? rnd.nextInt(HISTORY_DAYS) : exponential(rnd, 45);
            case Pending, ActiveUnderContract -> 10 + exponential(rnd, 40);
            case Closed, Expired, Withdrawn, Canceled -> 30 + rnd.nextInt(HISTORY_DAYS - 30);
        };
        return (int) Math.min(HISTORY_DAYS - 1, days);
    }

    private Instant modified(SplittableRandom rnd, StandardStatus status, LocalDate contractDate) {
        long contractStart = contractDate.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long sinceContract = asOf.getEpochSecond() - contractStart;
        long offset;
        if (status.onMarket()) {
            long ago = Math.min(sinceContract, Math.round(exponential(rnd, 6) * 86_400));
            offset = sinceContract - ago;
        } else {
            offset = Math.min(sinceContract, (20 + rnd.nextInt(130)) * 86_400L + rnd.nextInt(86_400));
        }
        return Instant.ofEpochSecond(contractStart + Math.max(0, offset));
    }

    private static int photos(SplittableRandom rnd, PropertyType type) {
        if (type == PropertyType.Land) {
            return rnd.nextInt(13);
        }
        if (rnd.nextDouble() < 0.03) {
            return 0;
        }
        return (int) Math.clamp(Math.round(28 + 11 * rnd.nextGaussian()), 1, 60);
    }

    private static double exponential(SplittableRandom rnd, double mean) {
        return -mean * Math.log(1 - rnd.nextDouble());
    }

    private static void checkIndex(long index) {
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("listing index " + index + " must be between 0 and " + MAX_INDEX);
        }
    }

    /** Places and ZIP centroids, loaded once per JVM on first use. */
    private static final class ReferenceData {
        private static volatile ReferenceData instance;

        final Places places;
        final ZctaIndex zctas;
        /** Per place, how far its centre is from the nearest ZIP centroid: the yardstick for "too far out". */
        final double[] centreGapKm;

        private ReferenceData() {
            this.places = Places.load();
            this.zctas = ZctaIndex.load();
            this.centreGapKm = new double[places.size()];
            for (int i = 0; i < centreGapKm.length; i++) {
                Place p = places.get(i);
                centreGapKm[i] = zctas.nearestDistanceKm(p.latitude(), p.longitude());
            }
        }

        static ReferenceData get() {
            ReferenceData data = instance;
            if (data == null) {
                synchronized (ReferenceData.class) {
                    data = instance;
                    if (data == null) {
                        data = new ReferenceData();
                        instance = data;
                    }
                }
            }
            return data;
        }
    }
}
