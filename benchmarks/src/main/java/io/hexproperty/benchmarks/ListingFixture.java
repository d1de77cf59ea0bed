package io.hexproperty.benchmarks;

import io.hexproperty.domain.Address;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Listings shaped like the seeded ones (key and id formats, price, size and remarks lengths, a
 * quarter without an agent), generated from a seed so every fork encodes the same data. Values vary
 * per listing so that no encoder is flattered by one constant string staying in cache.
 */
public final class ListingFixture {
    private static final String[][] PLACES = {
            {"Houston", "TX", "77002", "29.7589", "-95.3677"}, {"New York", "NY", "10001", "40.7506", "-73.9972"},
            {"Los Angeles", "CA", "90012", "34.0614", "-118.2385"}, {"Chicago", "IL", "60601", "41.8858", "-87.6229"},
            {"Phoenix", "AZ", "85004", "33.4515", "-112.0702"}, {"Austin", "TX", "78701", "30.2713", "-97.7426"},
            {"Coeur d'Alene", "ID", "83814", "47.6777", "-116.7805"}, {"Miami", "FL", "33130", "25.7670", "-80.2044"}};
    private static final String[] STREETS = {"Oak St", "Magnolia Ridge Dr", "1st Pkwy", "Bay Ave", "Elm Ct",
            "Sunset Blvd", "Lakeview Ter", "Main St"};
    private static final String[] REMARKS = {
            "Move-in ready %d-bedroom home minutes from downtown. Features an open kitchen with quartz counters,"
                    + " hardwood floors, a primary suite with walk-in closet and a shaded \"backyard\" near parks.",
            "Charming bungalow on a quiet street. Updated bath, new roof (2024), fenced yard, detached garage and"
                    + " room to grow: %d bedrooms, close to schools, shops and the farmers market.",
            "Light-filled condo with skyline views, %d bedrooms, in-unit laundry, gym, pool and 24/7 concierge."
                    + " Walk to transit, restaurants and the riverfront trail. HOA covers water and trash."};

    private ListingFixture() {}

    public static Listing[] generate(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Listing[] listings = new Listing[n];
        for (int i = 0; i < n; i++) {
            listings[i] = listing(i, random);
        }
        return listings;
    }

    private static Listing listing(int i, SplittableRandom r) {
        String[] place = PLACES[r.nextInt(PLACES.length)];
        int beds = 1 + r.nextInt(6);
        double lat = Double.parseDouble(place[3]) + (r.nextDouble() - 0.5) * 0.3;
        double lon = Double.parseDouble(place[4]) + (r.nextDouble() - 0.5) * 0.3;
        boolean lease = r.nextInt(5) == 0;
        return new Listing(ListingKey.random(r), "MLS" + (10_000_000 + i),
                r.nextInt(10) < 8 ? StandardStatus.Active : StandardStatus.Pending,
                Money.usd(lease ? 900 + r.nextInt(4000) : 90_000 + r.nextInt(1_500_000)),
                lease ? PropertyType.ResidentialLease : PropertyType.Residential, beds, 1 + r.nextInt(4),
                600 + r.nextInt(4000),
                new Address((100 + r.nextInt(30_000)) + " " + STREETS[r.nextInt(STREETS.length)], place[0], place[1],
                        place[2]),
                new GeoPoint(Math.round(lat * 1e6) / 1e6, Math.round(lon * 1e6) / 1e6),
                0x87446cac0ffffffL + ((long) r.nextInt(4096) << 24), 0x89446cac003ffffL + ((long) r.nextInt(65536) << 16),
                LocalDate.of(2026, 1, 1).plusDays(r.nextInt(329)),
                Instant.parse("2026-11-25T20:56:39Z").minusSeconds(r.nextInt(30_000_000)), r.nextInt(40),
                String.format(REMARKS[r.nextInt(REMARKS.length)], beds),
                r.nextInt(4) == 0 ? null : "AG" + (1000 + r.nextInt(9000)), 1 + r.nextInt(5));
    }
}
