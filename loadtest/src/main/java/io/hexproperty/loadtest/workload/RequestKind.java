package io.hexproperty.loadtest.workload;

import java.util.Locale;

/** The kinds of request a workload mix weighs. Names are the keys of a mix file. */
public enum RequestKind {
    /** GET /api/v1/listings/{key}, keys Zipf-popular. */
    LISTING,
    /** GET /api/v1/listings?city=..&state=.. with real places and varied filters. */
    SEARCH,
    /** GET /api/v1/listings?h3=cell, cells of popular listings. */
    MAP,
    /** PATCH /api/v1/listings/{key} {"ListPrice": n}; needs --token. */
    UPDATE,
    /** POST /api/v1/inquiries. */
    INQUIRY,
    /** GET of the --target URL exactly as given (any HTTP server). */
    TARGET;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean needsCatalogue() {
        return this != TARGET;
    }

    static RequestKind of(String key) {
        try {
            return valueOf(key.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown request kind '" + key.trim()
                    + "' (listing, search, map, update, inquiry, target)", e);
        }
    }
}
