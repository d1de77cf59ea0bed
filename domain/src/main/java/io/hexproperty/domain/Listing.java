package io.hexproperty.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A property listing with RESO Data Dictionary names. {@code version} is bumped by every
 * update; it is the ETag and the cache version. {@code h3r7}/{@code h3r9} are the H3 cells
 * of the location at resolutions 7 and 9, so map searches and cache tags can name them.
 */
public record Listing(
        ListingKey listingKey,
        String listingId,
        StandardStatus standardStatus,
        Money listPrice,
        PropertyType propertyType,
        int bedroomsTotal,
        int bathroomsTotalInteger,
        int livingArea,
        Address address,
        GeoPoint location,
        long h3r7,
        long h3r9,
        LocalDate listingContractDate,
        Instant modificationTimestamp,
        int photosCount,
        String publicRemarks,
        String agentKey,
        long version) {

    public static final int MAX_ROOMS = 1000;
    public static final int MAX_AREA = 10_000_000;
    public static final int MAX_REMARKS = 4000;

    public Listing {
        Objects.requireNonNull(listingKey, "listingKey");
        listingId = Text.require("ListingId", listingId, 64);
        Objects.requireNonNull(standardStatus, "standardStatus");
        Objects.requireNonNull(listPrice, "listPrice");
        Objects.requireNonNull(propertyType, "propertyType");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(listingContractDate, "listingContractDate");
        Objects.requireNonNull(modificationTimestamp, "modificationTimestamp");
        range("BedroomsTotal", bedroomsTotal, MAX_ROOMS);
        range("BathroomsTotalInteger", bathroomsTotalInteger, MAX_ROOMS);
        range("LivingArea", livingArea, MAX_AREA);
        range("PhotosCount", photosCount, 10_000);
        publicRemarks = Text.bounded("PublicRemarks", publicRemarks, MAX_REMARKS);
        if (version < 1) {
            throw new DomainException("version", "must be >= 1");
        }
    }

    private static void range(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new DomainException(field, "must be between 0 and " + max);
        }
    }

    /**
     * Whether {@code agent} owns this listing. A listing without an owner (data from before V60) is
     * nobody's: only an account whose role acts on any listing may change it ({@link Agent}).
     */
    public boolean managedBy(String agent) {
        return agentKey != null && agentKey.equals(agent);
    }

    public Listing withVersion(long newVersion, Instant modified) {
        return new Listing(listingKey, listingId, standardStatus, listPrice, propertyType, bedroomsTotal,
                bathroomsTotalInteger, livingArea, address, location, h3r7, h3r9, listingContractDate,
                modified, photosCount, publicRemarks, agentKey, newVersion);
    }
}
