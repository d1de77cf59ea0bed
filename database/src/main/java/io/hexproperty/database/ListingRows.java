package io.hexproperty.database;

import io.hexproperty.domain.Address;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The listings columns, in one order shared by every SELECT and INSERT, and their mapping. */
final class ListingRows {
    static final String COLUMNS = "listing_key, listing_id, standard_status, list_price, property_type, bedrooms_total,"
            + " bathrooms_total_integer, living_area, unparsed_address, city, state_or_province, postal_code,"
            + " latitude, longitude, h3_r7, h3_r9, listing_contract_date, modification_timestamp, photos_count,"
            + " public_remarks, list_agent_key, version";
    static final int COLUMN_COUNT = 22;

    private ListingRows() {}

    static Listing listing(Row r) {
        return new Listing(
                new ListingKey(r.getString(0)),
                r.getString(1),
                StandardStatus.valueOf(r.getString(2)),
                new Money(r.getLong(3)),
                PropertyType.valueOf(r.getString(4)),
                r.getInteger(5),
                r.getInteger(6),
                r.getInteger(7),
                new Address(r.getString(8), r.getString(9), r.getString(10), r.getString(11)),
                new GeoPoint(r.getDouble(12), r.getDouble(13)),
                r.getLong(14),
                r.getLong(15),
                r.getLocalDate(16),
                r.getOffsetDateTime(17).toInstant(),
                r.getInteger(18),
                r.getString(19),
                r.getString(20),
                r.getLong(21));
    }

    /** All columns of {@code l} in {@link #COLUMNS} order, as bind parameters $1..$22. */
    static Tuple values(Listing l) {
        return Tuple.tuple()
                .addString(l.listingKey().value())
                .addString(l.listingId())
                .addString(l.standardStatus().name())
                .addLong(l.listPrice().dollars())
                .addString(l.propertyType().name())
                .addInteger(l.bedroomsTotal())
                .addInteger(l.bathroomsTotalInteger())
                .addInteger(l.livingArea())
                .addString(l.address().unparsedAddress())
                .addString(l.address().city())
                .addString(l.address().stateOrProvince())
                .addString(l.address().postalCode())
                .addDouble(l.location().latitude())
                .addDouble(l.location().longitude())
                .addLong(l.h3r7())
                .addLong(l.h3r9())
                .addLocalDate(l.listingContractDate())
                .addOffsetDateTime(timestamp(l.modificationTimestamp()))
                .addInteger(l.photosCount())
                .addString(l.publicRemarks())
                .addString(l.agentKey())
                .addLong(l.version());
    }

    /** PostgreSQL keeps microseconds; truncating first makes what we return equal what we read back. */
    static Instant storable(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    static OffsetDateTime timestamp(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
