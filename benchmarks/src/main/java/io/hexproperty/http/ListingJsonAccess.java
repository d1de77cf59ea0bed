package io.hexproperty.http;

import io.hexproperty.domain.Listing;
import io.hexproperty.domain.SearchPage;
import io.vertx.core.buffer.Buffer;

/**
 * The JMH benchmarks' way to the HTTP adapter's package-private JSON encoder: it lives in the
 * benchmarks module, in the adapter's package, so production code exports nothing for benchmarks.
 */
public final class ListingJsonAccess {
    private ListingJsonAccess() {}

    public static Buffer encode(Listing listing) {
        return ListingJson.encode(listing);
    }

    public static Buffer encode(SearchPage page, io.hexproperty.domain.Signer cursors) {
        return ListingJson.encode(page, cursors);
    }
}
