package io.hexproperty.domain;

import java.time.LocalDate;
import java.util.Objects;

/** What an agent supplies to create a listing; the store assigns the key, version and H3 cells. */
public record ListingDraft(
        String listingId,
        StandardStatus standardStatus,
        Money listPrice,
        PropertyType propertyType,
        int bedroomsTotal,
        int bathroomsTotalInteger,
        int livingArea,
        Address address,
        GeoPoint location,
        LocalDate listingContractDate,
        int photosCount,
        String publicRemarks) {

    public ListingDraft {
        listingId = Text.requireLine("ListingId", listingId, 64);
        Objects.requireNonNull(standardStatus, "StandardStatus");
        Objects.requireNonNull(listPrice, "ListPrice");
        Objects.requireNonNull(propertyType, "PropertyType");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(listingContractDate, "ListingContractDate");
        publicRemarks = Text.bounded("PublicRemarks", publicRemarks, Listing.MAX_REMARKS);
    }

    /** The first version of the listing; validates every range through the Listing constructor. */
    public Listing toListing(ListingKey key, String agentKey, long h3r7, long h3r9, java.time.Instant now) {
        return new Listing(key, listingId, standardStatus, listPrice, propertyType, bedroomsTotal,
                bathroomsTotalInteger, livingArea, address, location, h3r7, h3r9, listingContractDate, now,
                photosCount, publicRemarks, agentKey, 1);
    }
}
