package io.hexproperty.domain;

import java.time.Instant;

/**
 * A partial update: null fields are left as they are. Location is not patchable (a moved house is
 * a new listing in MLS practice), which keeps H3 cells and shard placement stable.
 */
public record ListingPatch(
        StandardStatus standardStatus,
        Money listPrice,
        PropertyType propertyType,
        Integer bedroomsTotal,
        Integer bathroomsTotalInteger,
        Integer livingArea,
        Integer photosCount,
        String publicRemarks) {

    public boolean isEmpty() {
        return standardStatus == null && listPrice == null && propertyType == null && bedroomsTotal == null
                && bathroomsTotalInteger == null && livingArea == null && photosCount == null
                && publicRemarks == null;
    }

    /** The next version of {@code current} with this patch applied; validates the result. */
    public Listing applyTo(Listing current, Instant now) {
        return new Listing(current.listingKey(), current.listingId(),
                or(standardStatus, current.standardStatus()), or(listPrice, current.listPrice()),
                or(propertyType, current.propertyType()), or(bedroomsTotal, current.bedroomsTotal()),
                or(bathroomsTotalInteger, current.bathroomsTotalInteger()), or(livingArea, current.livingArea()),
                current.address(), current.location(), current.h3r7(), current.h3r9(),
                current.listingContractDate(), now, or(photosCount, current.photosCount()),
                or(publicRemarks, current.publicRemarks()), current.agentKey(), current.version() + 1);
    }

    private static <T> T or(T patched, T current) {
        return patched != null ? patched : current;
    }
}
