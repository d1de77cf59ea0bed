package io.hexproperty.seed;

import io.hexproperty.domain.Listing;

/**
 * The seed benchmark's way to the package-private COPY row encoder: it lives in the benchmarks
 * module, in the seed package, so production code exports nothing for benchmarks.
 */
public final class CopyRowsAccess {
    private CopyRowsAccess() {}

    public static void appendListing(StringBuilder sb, Listing listing) {
        CopyRows.appendListing(sb, listing);
    }
}
