package io.hexproperty.domain;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A validated listing search. Absent filters are empty; ranges are checked for inversion here so
 * that every adapter sees only sensible queries. {@link #canonical()} is a stable text form of the
 * filters (not the cursor or limit) used as a cache key and to bind cursors to their query.
 */
public record SearchQuery(
        Optional<String> city,
        Optional<String> state,
        Optional<String> postalCode,
        Optional<StandardStatus> status,
        Set<PropertyType> types,
        OptionalLong minPrice,
        OptionalLong maxPrice,
        OptionalInt minBeds,
        OptionalInt minBaths,
        OptionalInt minArea,
        Optional<BoundingBox> bbox,
        OptionalLong h3Cell,
        int h3Resolution,
        Optional<String> text,
        SearchSort sort,
        int limit,
        Optional<SearchCursor> cursor) {

    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_TEXT = 200;

    public SearchQuery {
        Objects.requireNonNull(sort, "sort");
        types = types.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(types));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new DomainException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (minPrice.isPresent() && maxPrice.isPresent() && minPrice.getAsLong() > maxPrice.getAsLong()) {
            throw new DomainException("minPrice", "must not exceed maxPrice");
        }
        if (h3Cell.isPresent() && h3Resolution != 7 && h3Resolution != 9) {
            throw new DomainException("h3", "must be an H3 cell of resolution 7 or 9");
        }
        if (text.isPresent() && text.get().isBlank()) {
            text = Optional.empty();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The filters and sort in a fixed order; equal queries have equal canonical forms. */
    public String canonical() {
        StringBuilder b = new StringBuilder(96);
        city.ifPresent(v -> b.append("city=").append(v.toLowerCase(java.util.Locale.ROOT)).append('&'));
        state.ifPresent(v -> b.append("state=").append(v).append('&'));
        postalCode.ifPresent(v -> b.append("postalCode=").append(v).append('&'));
        status.ifPresent(v -> b.append("status=").append(v).append('&'));
        if (!types.isEmpty()) {
            // EnumSet order: the same set always reads the same; one type reads as it always did.
            b.append("type=").append(String.join(",", types.stream().map(Enum::name).toList())).append('&');
        }
        minPrice.ifPresent(v -> b.append("minPrice=").append(v).append('&'));
        maxPrice.ifPresent(v -> b.append("maxPrice=").append(v).append('&'));
        minBeds.ifPresent(v -> b.append("minBeds=").append(v).append('&'));
        minBaths.ifPresent(v -> b.append("minBaths=").append(v).append('&'));
        minArea.ifPresent(v -> b.append("minArea=").append(v).append('&'));
        bbox.ifPresent(v -> b.append("bbox=").append(v.minLon()).append(',').append(v.minLat()).append(',')
                .append(v.maxLon()).append(',').append(v.maxLat()).append('&'));
        h3Cell.ifPresent(v -> b.append("h3=").append(Long.toHexString(v)).append('&'));
        text.ifPresent(v -> b.append("q=").append(v.toLowerCase(java.util.Locale.ROOT)).append('&'));
        b.append("sort=").append(sort.wireName());
        return b.toString();
    }

    public SearchQuery withCursor(SearchCursor next) {
        return new SearchQuery(city, state, postalCode, status, types, minPrice, maxPrice, minBeds, minBaths,
                minArea, bbox, h3Cell, h3Resolution, text, sort, limit, Optional.ofNullable(next));
    }

    /** Mutable builder used by adapters that parse queries; {@link #build()} validates. */
    public static final class Builder {
        private String city;
        private String state;
        private String postalCode;
        private StandardStatus status;
        private Set<PropertyType> types = Set.of();
        private Long minPrice;
        private Long maxPrice;
        private Integer minBeds;
        private Integer minBaths;
        private Integer minArea;
        private BoundingBox bbox;
        private Long h3Cell;
        private int h3Resolution;
        private String text;
        private SearchSort sort = SearchSort.NEWEST;
        private int limit = DEFAULT_LIMIT;
        private SearchCursor cursor;

        public Builder city(String v) { city = Text.boundedLine("city", v, 100); return this; }
        public Builder state(String v) {
            if (v != null && !v.matches("[A-Za-z]{2}")) {
                throw new DomainException("state", "must be a two-letter state code such as TX");
            }
            state = v == null ? null : v.toUpperCase(java.util.Locale.ROOT);
            return this;
        }
        public Builder postalCode(String v) {
            if (v != null && !v.matches("[0-9]{5}")) {
                throw new DomainException("postalCode", "must be five digits");
            }
            postalCode = v;
            return this;
        }
        public Builder status(StandardStatus v) { status = v; return this; }
        public Builder type(PropertyType v) { types = v == null ? Set.of() : Set.of(v); return this; }
        /** Any of these types; empty for any type at all. */
        public Builder types(Set<PropertyType> v) { types = Set.copyOf(v); return this; }
        public Builder minPrice(long v) { minPrice = nonNegative("minPrice", v, Money.MAX); return this; }
        public Builder maxPrice(long v) { maxPrice = nonNegative("maxPrice", v, Money.MAX); return this; }
        public Builder minBeds(int v) { minBeds = (int) nonNegative("minBeds", v, Listing.MAX_ROOMS); return this; }
        public Builder minBaths(int v) { minBaths = (int) nonNegative("minBaths", v, Listing.MAX_ROOMS); return this; }
        public Builder minArea(int v) { minArea = (int) nonNegative("minArea", v, Listing.MAX_AREA); return this; }
        public Builder bbox(BoundingBox v) { bbox = v; return this; }
        public Builder h3(long cell, int resolution) { h3Cell = cell; h3Resolution = resolution; return this; }
        public Builder text(String v) { text = Text.bounded("q", v, MAX_TEXT); return this; }
        public Builder sort(SearchSort v) { sort = Objects.requireNonNull(v); return this; }
        public Builder limit(int v) { limit = v; return this; }
        public Builder cursor(SearchCursor v) { cursor = v; return this; }

        private static long nonNegative(String field, long v, long max) {
            if (v < 0 || v > max) {
                throw new DomainException(field, "must be between 0 and " + max);
            }
            return v;
        }

        public SearchQuery build() {
            SearchQuery q = new SearchQuery(Optional.ofNullable(city).filter(s -> !s.isEmpty()),
                    Optional.ofNullable(state), Optional.ofNullable(postalCode),
                    Optional.ofNullable(status), types,
                    minPrice == null ? OptionalLong.empty() : OptionalLong.of(minPrice),
                    maxPrice == null ? OptionalLong.empty() : OptionalLong.of(maxPrice),
                    minBeds == null ? OptionalInt.empty() : OptionalInt.of(minBeds),
                    minBaths == null ? OptionalInt.empty() : OptionalInt.of(minBaths),
                    minArea == null ? OptionalInt.empty() : OptionalInt.of(minArea),
                    Optional.ofNullable(bbox),
                    h3Cell == null ? OptionalLong.empty() : OptionalLong.of(h3Cell), h3Resolution,
                    Optional.ofNullable(text), sort, limit, Optional.empty());
            if (cursor != null) {
                if (cursor.sort() != sort) {
                    throw new DomainException("cursor", "was issued for sort=" + cursor.sort().wireName());
                }
                if (cursor.queryHash() != SearchCursor.hash(q.canonical())) {
                    throw new DomainException("cursor", "belongs to a different search; start again without it");
                }
                q = q.withCursor(cursor);
            }
            return q;
        }
    }
}
