package io.hexproperty.testing;

import io.hexproperty.domain.BoundingBox;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.SearchSort;
import io.hexproperty.domain.StandardStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Searches drawn from real listing values, for the sharding equivalence test and benchmark: every
 * filter of the API, every sort, limits from 1 to 100, and a mix of scopes: state and city+state
 * (one shard) and city alone, postal code, bounding box, H3 cell, text and no location at all
 * (every shard). The same seed gives the same queries.
 */
public final class QueryMix {
    private static final int[] LIMITS = {1, 2, 5, 10, 20, 20, 20, 50, 100};

    public enum Scope { STATE, CITY_STATE, CITY, POSTAL_CODE, BBOX, H3_R7, H3_R9, TEXT, NONE }

    public record Generated(Scope scope, SearchQuery query) {}

    private final List<Listing> sample;
    private final SplittableRandom rnd;

    public QueryMix(List<Listing> sample, long seed) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("the query mix needs sample listings to draw values from");
        }
        this.sample = List.copyOf(sample);
        this.rnd = new SplittableRandom(seed);
    }

    public List<Generated> next(int count) {
        List<Generated> queries = new ArrayList<>(count);
        Scope[] scopes = Scope.values();
        for (int i = 0; i < count; i++) {
            queries.add(next(scopes[i % scopes.length]));
        }
        return queries;
    }

    public Generated next(Scope scope) {
        Listing at = pick();
        SearchQuery.Builder b = SearchQuery.builder();
        switch (scope) {
            case STATE -> b.state(at.address().stateOrProvince());
            case CITY_STATE -> b.city(at.address().city()).state(at.address().stateOrProvince());
            case CITY -> b.city(at.address().city().toUpperCase(Locale.ROOT));
            case POSTAL_CODE -> b.postalCode(at.address().postalCode());
            case BBOX -> {
                double half = 0.02 + rnd.nextDouble() * 1.5;
                b.bbox(new BoundingBox(at.location().longitude() - half, at.location().latitude() - half,
                        at.location().longitude() + half, at.location().latitude() + half));
            }
            case H3_R7 -> b.h3(at.h3r7(), 7);
            case H3_R9 -> b.h3(at.h3r9(), 9);
            case TEXT -> b.text(word(at));
            case NONE -> { }
        }
        boolean narrowScope = scope == Scope.STATE || scope == Scope.NONE || scope == Scope.BBOX;
        double extra = narrowScope ? 0.45 : 0.2;
        if (rnd.nextDouble() < extra) {
            b.status(rnd.nextDouble() < 0.6 ? StandardStatus.Active : pick().standardStatus());
        }
        if (rnd.nextDouble() < extra) {
            b.type(rnd.nextDouble() < 0.6 ? PropertyType.Residential : pick().propertyType());
        }
        if (rnd.nextDouble() < extra) {
            long price = pick().listPrice().dollars();
            if (rnd.nextBoolean()) {
                b.minPrice(price / 2);
            }
            b.maxPrice(price * 2);
        }
        if (rnd.nextDouble() < extra / 2) {
            b.minBeds(1 + rnd.nextInt(4));
        }
        if (rnd.nextDouble() < extra / 2) {
            b.minBaths(1 + rnd.nextInt(3));
        }
        if (rnd.nextDouble() < extra / 2) {
            b.minArea(500 + rnd.nextInt(2_500));
        }
        b.sort(SearchSort.values()[rnd.nextInt(SearchSort.values().length)]);
        b.limit(LIMITS[rnd.nextInt(LIMITS.length)]);
        return new Generated(scope, b.build());
    }

    private Listing pick() {
        return sample.get(rnd.nextInt(sample.size()));
    }

    /** A word of the listing's remarks (or its city): text search with real hits. */
    private String word(Listing at) {
        String remarks = at.publicRemarks() == null ? "" : at.publicRemarks();
        List<String> words = new ArrayList<>();
        for (String w : remarks.split("[^A-Za-z]+")) {
            if (w.length() >= 4) {
                words.add(w);
            }
        }
        return words.isEmpty() ? at.address().city() : words.get(rnd.nextInt(words.size()));
    }
}
