package io.hexproperty.http;

import com.uber.h3core.H3Core;
import io.hexproperty.domain.BoundingBox;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.SearchSort;
import io.hexproperty.domain.Signer;
import io.hexproperty.domain.StandardStatus;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the query string of {@code GET /api/v1/listings} into a {@link SearchQuery}. Unknown or
 * repeated parameters are rejected: a typo such as {@code minprice} must not silently widen a search.
 */
final class SearchParameters {
    static final List<String> NAMES = List.of("city", "state", "postalCode", "status", "market", "type", "minPrice",
            "maxPrice", "minBeds", "minBaths", "minArea", "bbox", "h3", "q", "sort", "limit", "cursor");
    private static final Set<String> KNOWN = Set.copyOf(NAMES);
    private static final int MAX_VALUE_LENGTH = 300;

    private final H3Core h3;
    private final Signer cursors;

    /** {@code cursors} checks that a cursor is one this deployment signed (ADR 0015). */
    SearchParameters(H3Core h3, Signer cursors) {
        this.h3 = h3;
        this.cursors = java.util.Objects.requireNonNull(cursors, "cursors");
    }

    SearchQuery parse(MultiMap params) {
        for (String name : params.names()) {
            if (!KNOWN.contains(name)) {
                throw BadRequestException.parameter(name, "is not a known parameter; known: " + String.join(", ", NAMES));
            }
            if (params.getAll(name).size() > 1) {
                throw BadRequestException.parameter(name, "must be given at most once");
            }
        }
        SearchQuery.Builder b = SearchQuery.builder();
        marketAndType(b, params.get(Market.PARAMETER), params.get("type"));
        for (Map.Entry<String, String> e : params) {
            String name = e.getKey();
            String value = e.getValue();
            if (value.length() > MAX_VALUE_LENGTH) {
                throw BadRequestException.parameter(name, "must be at most " + MAX_VALUE_LENGTH + " characters");
            }
            if (value.isEmpty()) {
                throw BadRequestException.parameter(name, "must not be empty (omit it instead)");
            }
            switch (name) {
                case "city" -> b.city(value);
                case "state" -> b.state(value);
                case "postalCode" -> b.postalCode(value);
                case "status" -> b.status(StandardStatus.parse(name, value));
                case "market", "type" -> { } // both read first, together: marketAndType
                case "minPrice" -> b.minPrice(integer(name, value));
                case "maxPrice" -> b.maxPrice(integer(name, value));
                case "minBeds" -> b.minBeds(smallInteger(name, value));
                case "minBaths" -> b.minBaths(smallInteger(name, value));
                case "minArea" -> b.minArea(smallInteger(name, value));
                case "bbox" -> b.bbox(bbox(value));
                case "h3" -> h3Cell(b, value);
                case "q" -> b.text(value);
                case "sort" -> b.sort(SearchSort.parse(value));
                case "limit" -> b.limit(smallInteger(name, value));
                case "cursor" -> b.cursor(SearchCursor.decode(value, cursors));
                default -> throw new IllegalStateException("unhandled known parameter " + name);
            }
        }
        return b.build();
    }

    /**
     * Sale unless {@code market=rent}; a {@code type} narrows the market to that type (and alone implies
     * its market); without one, the market's homes only. A type of the other market is a 400.
     */
    private static void marketAndType(SearchQuery.Builder b, String market, String type) {
        if ((market != null && market.isEmpty()) || (type != null && type.isEmpty())) {
            return; // reported as empty by the loop, with the parameter's name
        }
        Market asked = market == null ? null : Market.parse(market);
        if (type == null) {
            b.types((asked == null ? Market.SALE : asked).homes());
            return;
        }
        PropertyType t = PropertyType.parse("type", type);
        if (asked != null && Market.of(t) != asked) {
            throw BadRequestException.parameter("type", "is " + t + ", which is for " + Market.of(t).wireName()
                    + ", not for " + asked.wireName() + "; use market=" + Market.of(t).wireName() + " or another type");
        }
        b.type(t);
    }

    static long integer(String name, String value) {
        if (!value.matches("[0-9]{1,18}")) {
            throw BadRequestException.parameter(name, "must be a non-negative whole number, got '" + clip(value) + "'");
        }
        return Long.parseLong(value);
    }

    private static int smallInteger(String name, String value) {
        long v = integer(name, value);
        if (v > Integer.MAX_VALUE) {
            throw BadRequestException.parameter(name, "is too large");
        }
        return (int) v;
    }

    private static BoundingBox bbox(String value) {
        String[] parts = value.split(",", -1);
        if (parts.length != 4) {
            throw BadRequestException.parameter("bbox", "must be minLon,minLat,maxLon,maxLat");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw BadRequestException.parameter("bbox", "must be four numbers minLon,minLat,maxLon,maxLat");
            }
            if (!Double.isFinite(v[i]) || parts[i].strip().matches(".*[dDfFxXpP].*")) {
                throw BadRequestException.parameter("bbox", "must be four decimal numbers minLon,minLat,maxLon,maxLat");
            }
        }
        return new BoundingBox(v[0], v[1], v[2], v[3]);
    }

    private void h3Cell(SearchQuery.Builder b, String value) {
        if (!value.matches("[0-9a-fA-F]{15,16}")) {
            throw BadRequestException.parameter("h3", "must be an H3 cell index in hexadecimal");
        }
        long cell = Long.parseUnsignedLong(value, 16);
        if (!h3.isValidCell(cell)) {
            throw BadRequestException.parameter("h3", "is not a valid H3 cell");
        }
        b.h3(cell, h3.getResolution(cell));
    }

    static String clip(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
