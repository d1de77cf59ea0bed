package io.hexproperty.domain;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;

/**
 * Keyset position after the last listing of a page: the sort value of that listing and its key,
 * bound to the query it came from by a hash of the query's canonical form. Encoded as opaque
 * base64url text so clients cannot rely on (or forge a wide) structure.
 *
 * <p>For {@code newest} the sort value is the ListingContractDate as epoch day; for the price
 * sorts it is ListPrice.
 */
public record SearchCursor(SearchSort sort, long sortValue, ListingKey lastKey, int queryHash) {

    public static SearchCursor after(SearchQuery query, Listing last) {
        long value = switch (query.sort()) {
            case NEWEST -> last.listingContractDate().toEpochDay();
            case PRICE_ASC, PRICE_DESC -> last.listPrice().dollars();
        };
        return new SearchCursor(query.sort(), value, last.listingKey(), hash(query.canonical()));
    }

    public LocalDate sortDate() {
        return LocalDate.ofEpochDay(sortValue);
    }

    public String encode() {
        String plain = "v1|" + sort.wireName() + "|" + sortValue + "|" + lastKey.value() + "|" + queryHash;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    public static SearchCursor decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 200) {
            throw new DomainException("cursor", "is not a cursor returned by this API");
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            String[] parts = plain.split("\\|", -1);
            if (parts.length != 5 || !parts[0].equals("v1")) {
                throw new IllegalArgumentException();
            }
            return new SearchCursor(SearchSort.parse(parts[1]), Long.parseLong(parts[2]),
                    new ListingKey(parts[3]), Integer.parseInt(parts[4]));
        } catch (IllegalArgumentException | DomainException e) {
            throw new DomainException("cursor", "is not a cursor returned by this API");
        }
    }

    static int hash(String canonical) {
        // FNV-1a: stable across JVMs and releases, unlike String.hashCode's contract.
        int h = 0x811c9dc5;
        for (int i = 0; i < canonical.length(); i++) {
            h ^= canonical.charAt(i);
            h *= 0x01000193;
        }
        return h;
    }
}
