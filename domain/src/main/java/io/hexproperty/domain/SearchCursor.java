package io.hexproperty.domain;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;

/**
 * Keyset position after the last listing of a page: the sort value of that listing and its key,
 * bound to the query it came from by a hash of the query's canonical form.
 *
 * <p>On the wire it is base64url text plus an HMAC of it under the server key ({@link Signer}): a
 * client can neither forge one nor widen one it got, and anything that is not exactly what this
 * deployment issued fails as a {@link DomainException} naming {@code cursor} (a 400), before any
 * field is interpreted. Every field is also range-checked, so even a validly signed value can never
 * reach the database out of range.
 *
 * <p>For {@code newest} the sort value is the ListingContractDate as epoch day; for the price
 * sorts it is ListPrice.
 */
public record SearchCursor(SearchSort sort, long sortValue, ListingKey lastKey, int queryHash) {
    /** The dates a cursor may carry: what both java.time and PostgreSQL's date type hold. */
    static final long MIN_EPOCH_DAY = LocalDate.of(1, 1, 1).toEpochDay();
    static final long MAX_EPOCH_DAY = LocalDate.of(9999, 12, 31).toEpochDay();
    private static final int MAX_TEXT = 300;
    private static final String VERSION = "v2";

    public SearchCursor {
        if (sort == null || lastKey == null) {
            throw invalid();
        }
        boolean inRange = switch (sort) {
            case NEWEST -> sortValue >= MIN_EPOCH_DAY && sortValue <= MAX_EPOCH_DAY;
            case PRICE_ASC, PRICE_DESC -> sortValue >= 0 && sortValue <= Money.MAX;
        };
        if (!inRange) {
            throw new DomainException("cursor", "holds a sort value out of range; start again without it");
        }
    }

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

    /** The opaque wire text: the fields in base64url, a dot, and their signature. */
    public String encode(Signer signer) {
        String plain = VERSION + "|" + sort.wireName() + "|" + sortValue + "|" + lastKey.value() + "|" + queryHash;
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        return body + "." + signer.sign(body);
    }

    /** The cursor {@code text} encodes, if {@code signer} signed it; else a DomainException naming {@code cursor}. */
    public static SearchCursor decode(String text, Signer signer) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT) {
            throw invalid();
        }
        int dot = text.lastIndexOf('.');
        if (dot <= 0 || !signer.verifies(text.substring(0, dot), text.substring(dot + 1))) {
            throw invalid();
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.substring(0, dot)), StandardCharsets.UTF_8);
            String[] parts = plain.split("\\|", -1);
            if (parts.length != 5 || !parts[0].equals(VERSION)) {
                throw invalid();
            }
            return new SearchCursor(SearchSort.parse(parts[1]), Long.parseLong(parts[2]),
                    new ListingKey(parts[3]), Integer.parseInt(parts[4]));
        } catch (IllegalArgumentException e) {
            throw invalid();
        } catch (DomainException e) {
            throw e.field().equals("cursor") ? e : invalid();
        }
    }

    private static DomainException invalid() {
        return new DomainException("cursor", "is not a cursor returned by this API");
    }

    static int hash(String canonical) {
        // FNV-1a: stable across JVMs and releases, unlike String.hashCode's contract. It binds a cursor
        // to its query; the HMAC around the whole cursor is what keeps clients from forging one.
        int h = 0x811c9dc5;
        for (int i = 0; i < canonical.length(); i++) {
            h ^= canonical.charAt(i);
            h *= 0x01000193;
        }
        return h;
    }
}
