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

    // Compiled once: String.replaceAll compiled both patterns on every call, and every uncached
    // response computes its surrogate keys (profile in docs/benchmarks/uncached-path.md).
    private static final java.util.regex.Pattern NON_SLUG = java.util.regex.Pattern.compile("[^a-z0-9]+");
    private static final java.util.regex.Pattern EDGE_DASH = java.util.regex.Pattern.compile("(^-|-$)");

    static String slug(String text) {
        String dashed = NON_SLUG.matcher(text.strip().toLowerCase(Locale.ROOT)).replaceAll("-");
        return EDGE_DASH.matcher(dashed).replaceAll("");
    }
}
