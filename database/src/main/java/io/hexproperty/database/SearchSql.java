package io.hexproperty.database;

import io.hexproperty.domain.BoundingBox;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchQuery;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The SELECT for a {@link SearchQuery}: one predicate per present filter, every value a bind
 * parameter, keyset pagination after the cursor, and {@code limit + 1} rows so the caller can tell
 * whether a next page exists.
 *
 * <p>Each predicate is written the way the V2 indexes are defined ({@code lower(city)} with the
 * state, {@code point(longitude, latitude) <@ box} for the GiST index, {@code search_text @@} for the
 * GIN index). The mixed-direction sorts (date or price descending, key ascending) cannot use a row
 * comparison, so their cursor predicate adds the redundant {@code sort_column <= $v} that lets the
 * planner start the index scan at the cursor instead of filtering from the top.
 */
public record SearchSql(String sql, Tuple params) {

    public static SearchSql of(SearchQuery q) {
        List<String> where = new ArrayList<>();
        Tuple params = Tuple.tuple();
        q.city().ifPresent(v -> where.add("lower(city) = lower(" + bind(params, v) + ")"));
        q.state().ifPresent(v -> where.add("state_or_province = " + bind(params, v)));
        q.postalCode().ifPresent(v -> where.add("postal_code = " + bind(params, v)));
        q.status().ifPresent(v -> where.add("standard_status = " + bind(params, v.name())));
        if (q.types().size() == 1) {
            where.add("property_type = " + bind(params, q.types().iterator().next().name()));
        } else if (!q.types().isEmpty()) {
            where.add("property_type IN (" + String.join(", ", q.types().stream().map(t -> bind(params, t.name())).toList()) + ")");
        }
        q.minPrice().ifPresent(v -> where.add("list_price >= " + bind(params, v)));
        q.maxPrice().ifPresent(v -> where.add("list_price <= " + bind(params, v)));
        q.minBeds().ifPresent(v -> where.add("bedrooms_total >= " + bind(params, v)));
        q.minBaths().ifPresent(v -> where.add("bathrooms_total_integer >= " + bind(params, v)));
        q.minArea().ifPresent(v -> where.add("living_area >= " + bind(params, v)));
        q.bbox().ifPresent(b -> where.add(box(params, b)));
        q.h3Cell().ifPresent(cell -> where.add((q.h3Resolution() == 7 ? "h3_r7 = " : "h3_r9 = ") + bind(params, cell)));
        q.text().ifPresent(v -> where.add("search_text @@ plainto_tsquery('simple', " + bind(params, v) + ")"));
        q.cursor().ifPresent(c -> where.add(after(params, q, c)));

        StringBuilder sql = new StringBuilder(256).append("SELECT ").append(ListingRows.COLUMNS).append(" FROM listings");
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(switch (q.sort()) {
            case NEWEST -> " ORDER BY listing_contract_date DESC, listing_key ASC";
            case PRICE_ASC -> " ORDER BY list_price ASC, listing_key ASC";
            case PRICE_DESC -> " ORDER BY list_price DESC, listing_key ASC";
        });
        sql.append(" LIMIT ").append(bind(params, (long) q.limit() + 1));
        return new SearchSql(sql.toString(), params);
    }

    private static String box(Tuple params, BoundingBox b) {
        return "point(longitude, latitude) <@ box(point(" + bind(params, b.minLon()) + "::float8, "
                + bind(params, b.minLat()) + "::float8), point(" + bind(params, b.maxLon()) + "::float8, "
                + bind(params, b.maxLat()) + "::float8))";
    }

    private static String after(Tuple params, SearchQuery q, SearchCursor c) {
        return switch (q.sort()) {
            case NEWEST -> {
                String d = bind(params, c.sortDate());
                String k = bind(params, c.lastKey().value());
                yield "listing_contract_date <= " + d + " AND (listing_contract_date < " + d + " OR listing_key > " + k + ")";
            }
            case PRICE_ASC -> {
                String p = bind(params, c.sortValue());
                String k = bind(params, c.lastKey().value());
                yield "(list_price, listing_key) > (" + p + ", " + k + ")";
            }
            case PRICE_DESC -> {
                String p = bind(params, c.sortValue());
                String k = bind(params, c.lastKey().value());
                yield "list_price <= " + p + " AND (list_price < " + p + " OR listing_key > " + k + ")";
            }
        };
    }

    private static String bind(Tuple params, Object value) {
        params.addValue(value);
        return "$" + params.size();
    }
}
