package io.hexproperty.testing;

import io.hexproperty.domain.Address;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.ListingDraft;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import java.time.LocalDate;

/** A fluent fixture for {@link ListingDraft}s: sensible defaults, change only what a test is about. */
public final class ListingDrafts {
    private String listingId = "MLS-1";
    private StandardStatus status = StandardStatus.Active;
    private long price = 450_000;
    private PropertyType type = PropertyType.Residential;
    private int beds = 3;
    private int baths = 2;
    private int area = 1_800;
    private String street = "100 Main St";
    private String city = "Springfield";
    private String state = "IL";
    private String postalCode = "62701";
    private double latitude = 39.7817;
    private double longitude = -89.6501;
    private LocalDate contractDate = LocalDate.of(2026, 3, 1);
    private int photos = 12;
    private String remarks = "Bright family home near the park";

    public static ListingDrafts draft() {
        return new ListingDrafts();
    }

    public ListingDrafts listingId(String v) { listingId = v; return this; }
    public ListingDrafts status(StandardStatus v) { status = v; return this; }
    public ListingDrafts price(long v) { price = v; return this; }
    public ListingDrafts type(PropertyType v) { type = v; return this; }
    public ListingDrafts beds(int v) { beds = v; return this; }
    public ListingDrafts baths(int v) { baths = v; return this; }
    public ListingDrafts area(int v) { area = v; return this; }
    public ListingDrafts street(String v) { street = v; return this; }
    public ListingDrafts city(String v) { city = v; return this; }
    public ListingDrafts state(String v) { state = v; return this; }
    public ListingDrafts postalCode(String v) { postalCode = v; return this; }
    public ListingDrafts at(double lat, double lon) { latitude = lat; longitude = lon; return this; }
    public ListingDrafts contractDate(LocalDate v) { contractDate = v; return this; }
    public ListingDrafts photos(int v) { photos = v; return this; }
    public ListingDrafts remarks(String v) { remarks = v; return this; }

    public ListingDraft build() {
        return new ListingDraft(listingId, status, Money.usd(price), type, beds, baths, area,
                new Address(street, city, state, postalCode), new GeoPoint(latitude, longitude), contractDate, photos,
                remarks);
    }
}
