package io.hexproperty.seed;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.PropertyType;

/**
 * Rows in PostgreSQL's COPY text format: tab-separated, one row per line, {@code \N} for null,
 * and backslash, tab, newline and carriage return escaped with a backslash (the only bytes the
 * format gives a meaning to). Text rather than binary: simpler to get right, and readable when a
 * load fails.
 */
final class CopyRows {
    /** Every column of V1 listings except search_text, which the server generates. */
    static final String LISTING_COLUMNS = "listing_key, listing_id, standard_status, list_price, property_type,"
            + " bedrooms_total, bathrooms_total_integer, living_area, unparsed_address, city, state_or_province,"
            + " postal_code, latitude, longitude, h3_r7, h3_r9, listing_contract_date, modification_timestamp,"
            + " photos_count, public_remarks, list_agent_key, version";
    static final String COPY_LISTINGS = "COPY listings (" + LISTING_COLUMNS + ") FROM STDIN";
    static final String COPY_MEDIA =
            "COPY media (listing_key, media_order, media_url, width, height, caption) FROM STDIN";

    /** Where seeded cover photos point; a reserved .example host, so nothing is ever fetched by accident. */
    static final String MEDIA_BASE_URL = "https://media.hexproperty.example/listings/";

    private CopyRows() {}

    static void appendListing(StringBuilder sb, Listing l) {
        text(sb, l.listingKey().value()).append('\t');
        text(sb, l.listingId()).append('\t');
        sb.append(l.standardStatus().name()).append('\t');
        sb.append(l.listPrice().dollars()).append('\t');
        sb.append(l.propertyType().name()).append('\t');
        sb.append(l.bedroomsTotal()).append('\t');
        sb.append(l.bathroomsTotalInteger()).append('\t');
        sb.append(l.livingArea()).append('\t');
        text(sb, l.address().unparsedAddress()).append('\t');
        text(sb, l.address().city()).append('\t');
        text(sb, l.address().stateOrProvince()).append('\t');
        text(sb, l.address().postalCode()).append('\t');
        sb.append(l.location().latitude()).append('\t');
        sb.append(l.location().longitude()).append('\t');
        sb.append(l.h3r7()).append('\t');
        sb.append(l.h3r9()).append('\t');
        sb.append(l.listingContractDate()).append('\t');
        sb.append(l.modificationTimestamp()).append('\t');
        sb.append(l.photosCount()).append('\t');
        text(sb, l.publicRemarks()).append('\t');
        text(sb, l.agentKey()).append('\t');
        sb.append(l.version()).append('\n');
    }

    /** One cover photo (media_order 1) for a listing that has photos; false when it has none. */
    static boolean appendCoverPhoto(StringBuilder sb, Listing l) {
        if (l.photosCount() == 0) {
            return false;
        }
        String key = l.listingKey().value();
        text(sb, key).append('\t').append(1).append('\t');
        text(sb, MEDIA_BASE_URL + key + "/1.jpg").append('\t');
        sb.append(1600).append('\t').append(1067).append('\t');
        text(sb, caption(l.propertyType())).append('\n');
        return true;
    }

    private static String caption(PropertyType type) {
        return switch (type) {
            case Land, Farm -> "View of the property";
            case CommercialSale, CommercialLease -> "Building exterior";
            default -> "Front exterior";
        };
    }

    static StringBuilder text(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("\\N");
        }
        int first = 0;
        int n = value.length();
        while (first < n && !special(value.charAt(first))) {
            first++;
        }
        if (first == n) {
            return sb.append(value); // the common case: one bulk copy instead of a char-by-char switch
        }
        sb.append(value, 0, first);
        for (int i = first; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb;
    }

    private static boolean special(char c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }
}
