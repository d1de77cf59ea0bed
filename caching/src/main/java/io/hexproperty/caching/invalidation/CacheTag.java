package io.hexproperty.caching.invalidation;

import io.hexproperty.domain.ListingKey;
import java.util.Locale;

/**
 * The tag vocabulary shared by whoever tags cached values (search pages, listing pages) and the change
 * feed that invalidates them; one place, so the two cannot drift apart.
 */
public final class CacheTag {

    private CacheTag() {
    }

    /** {@code city:houston-tx}: pages whose results are scoped to a city. */
    public static String city(String city, String state) {
        return "city:" + slug(city) + "-" + slug(state);
    }

    /** {@code state:tx}. */
    public static String state(String state) {
        return "state:" + slug(state);
    }

    /** {@code h3:872830828ffffff}: pages covering an H3 resolution-7 cell. */
    public static String h3(long cell) {
        return "h3:" + Long.toHexString(cell);
    }

    /** {@code listing:L-123}: pages that show this listing. */
    public static String listing(ListingKey key) {
        return LISTING + key.value();
    }

    /** The listing a {@link #listing} tag names, if {@code tag} is one. */
    public static java.util.Optional<ListingKey> listingOf(String tag) {
        if (tag == null || !tag.startsWith(LISTING) || !ListingKey.isValid(tag.substring(LISTING.length()))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(ListingKey.of(tag.substring(LISTING.length())));
    }

    private static final String LISTING = "listing:";

    /** Pages whose membership any listing change can alter (unscoped searches). */
    public static String anyListing() {
        return "listings:any";
    }

    static String slug(String text) {
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
