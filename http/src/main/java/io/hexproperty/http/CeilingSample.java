package io.hexproperty.http;

import io.hexproperty.domain.Address;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The body of {@code GET /bench/static} (only with {@code serve --bench-routes}): a listing of typical size served from memory with no work
 * at all. It is the ceiling that benchmarks compare the real listing endpoint against (same server,
 * same headers, same size).
 */
final class CeilingSample {
    private CeilingSample() {}

    static Listing listing() {
        return new Listing(ListingKey.of("HXBENCHMARK0"), "MLS1000001", StandardStatus.Active, Money.usd(349_900),
                PropertyType.Residential, 3, 2, 1_840, new Address("4821 Magnolia Ridge Dr", "Houston", "TX", "77002"),
                new GeoPoint(29.7589, -95.3677), 0x872664c1affffffL, 0x892664c1a3bffffL, LocalDate.of(2026, 3, 14),
                Instant.parse("2026-03-14T09:30:00Z"), 24,
                "Bright three-bedroom home with an open kitchen, hardwood floors and a shaded backyard near parks "
                        + "and schools.", "AGDEMO", 3);
    }
}
