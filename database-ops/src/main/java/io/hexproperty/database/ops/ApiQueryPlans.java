package io.hexproperty.database.ops;

import io.hexproperty.database.DatabaseConfig;
import io.hexproperty.database.PgListingStoreSql;
import io.hexproperty.database.SearchSql;
import io.hexproperty.domain.BoundingBox;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.SearchSort;
import io.hexproperty.domain.StandardStatus;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every query shape the API sends (the exact SQL of
 * {@link PgListingStore} and {@link SearchSql}, prepared with PREPARE and run with sample values
 * taken from the data), so that the index each one uses is recorded against real plans
 * (docs/database-indexes.md is this output). Blocking JDBC; for the CLI.
 */
public final class ApiQueryPlans {
    private static final Pattern INDEX = Pattern.compile("(?:Index Scan(?: Backward)? using|Index Only Scan(?: Backward)? using|Bitmap Index Scan on) (\\S+)");
    private static final Pattern SEQ = Pattern.compile("Seq Scan on (\\S+)");

    /** One explained query. */
    public record Plan(String name, String sql, List<String> indexes, List<String> seqScans, double executionMs,
                       String text) {}

    private ApiQueryPlans() {}

    /** Explains every API query shape on {@code database}, which must hold listings (seeded). */
    public static List<Plan> explain(DatabaseConfig database) throws SQLException {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                Statement st = c.createStatement()) {
            Sample s = sample(st);
            List<Plan> plans = new ArrayList<>();
            plans.add(plan(st, "find by key (GET /listings/{key})", PgListingStoreSql.FIND, Tuple.of(s.key)));
            plans.add(plan(st, "lock by key (PATCH, DELETE)", PgListingStoreSql.LOCK, Tuple.of(s.key)));
            for (SearchSort sort : SearchSort.values()) {
                plans.add(search(st, "no filter, sort " + sort.wireName(), b -> b.sort(sort)));
            }
            plans.add(search(st, "status=Active, newest", b -> b.status(StandardStatus.Active)));
            plans.add(search(st, "status=Active, price asc", b -> b.status(StandardStatus.Active).sort(SearchSort.PRICE_ASC)));
            plans.add(search(st, "status=Closed, newest", b -> b.status(StandardStatus.Closed)));
            // The pool's prepared statements may switch to a generic plan after five runs: the status is
            // then unknown at plan time and the archive is pruned at executor start ("Subplans Removed").
            st.execute("SET plan_cache_mode = force_generic_plan");
            plans.add(search(st, "status=Active, newest, generic plan", b -> b.status(StandardStatus.Active)));
            st.execute("RESET plan_cache_mode");
            for (SearchSort sort : SearchSort.values()) {
                plans.add(search(st, "city+state, sort " + sort.wireName(), b -> b.city(s.city).state(s.state).sort(sort)));
            }
            plans.add(search(st, "city+state+status=Active, newest",
                    b -> b.city(s.city).state(s.state).status(StandardStatus.Active)));
            plans.add(search(st, "city without state, newest", b -> b.city(s.city)));
            plans.add(search(st, "postal code, newest", b -> b.postalCode(s.postal)));
            plans.add(search(st, "type=" + PropertyType.values()[0].name() + ", newest", b -> b.type(PropertyType.values()[0])));
            plans.add(search(st, "price range, price asc", b -> b.minPrice(400_000).maxPrice(450_000).sort(SearchSort.PRICE_ASC)));
            plans.add(search(st, "minBeds=4 minBaths=3 minArea=3000, newest", b -> b.minBeds(4).minBaths(3).minArea(3000)));
            plans.add(search(st, "bbox (about 5 km), newest", b -> b.bbox(new BoundingBox(s.lon - 0.03, s.lat - 0.03,
                    s.lon + 0.03, s.lat + 0.03))));
            plans.add(search(st, "h3 r7 cell, newest", b -> b.h3(s.h3r7, 7)));
            plans.add(search(st, "h3 r9 cell, newest", b -> b.h3(s.h3r9, 9)));
            plans.add(search(st, "text q=<city>, newest", b -> b.text(s.city)));
            // Page 5 of each sort: keyset pagination starts the index scan at the cursor.
            for (SearchSort sort : SearchSort.values()) {
                plans.add(cursorPage(st, "cursor page 5, sort " + sort.wireName(), b -> b.sort(sort)));
            }
            plans.add(cursorPage(st, "cursor page 5, city+state newest", b -> b.city(s.city).state(s.state)));
            plans.add(cursorPage(st, "cursor page 5, status=Active price desc",
                    b -> b.status(StandardStatus.Active).sort(SearchSort.PRICE_DESC)));
            return plans;
        }
    }

    /** The plans as Markdown: a summary table, then each plan. */
    public static String markdown(List<Plan> plans) {
        StringBuilder b = new StringBuilder();
        b.append("| query | indexes used | seq scans | execution ms |\n| --- | --- | --- | ---: |\n");
        for (Plan p : plans) {
            b.append("| ").append(p.name()).append(" | ").append(p.indexes().isEmpty() ? "-" : String.join(", ", p.indexes()))
                    .append(" | ").append(p.seqScans().isEmpty() ? "-" : String.join(", ", p.seqScans()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", p.executionMs())).append(" |\n");
        }
        for (Plan p : plans) {
            b.append("\n### ").append(p.name()).append("\n\n```sql\n").append(p.sql()).append("\n```\n\n```\n")
                    .append(p.text()).append("```\n");
        }
        return b.toString();
    }

    private record Sample(String key, String city, String state, String postal, long h3r7, long h3r9, double lon, double lat) {}

    private static Sample sample(Statement st) throws SQLException {
        // An Active listing of the city with the most listings: the sample values with the most rows
        // behind them (the worst case of each filter, not a typical small town).
        try (ResultSet rs = st.executeQuery("WITH big AS (SELECT state_or_province, lower(city) AS city FROM listings"
                + " GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1)"
                + " SELECT listing_key, l.city, l.state_or_province, postal_code, h3_r7, h3_r9, longitude, latitude"
                + " FROM listings l JOIN big ON l.state_or_province = big.state_or_province AND lower(l.city) = big.city"
                + " WHERE standard_status = 'Active' ORDER BY listing_key LIMIT 1")) {
            if (!rs.next()) {
                throw new SQLException("no Active listing to take sample values from; seed the database first");
            }
            return new Sample(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                    rs.getLong(6), rs.getDouble(7), rs.getDouble(8));
        }
    }

    private static Plan search(Statement st, String name, UnaryOperator<SearchQuery.Builder> filters) throws SQLException {
        SearchSql sql = SearchSql.of(filters.apply(SearchQuery.builder()).build());
        return plan(st, name, sql.sql(), sql.params());
    }

    /** Walks four pages with the API's own cursor and explains the fifth. */
    private static Plan cursorPage(Statement st, String name, UnaryOperator<SearchQuery.Builder> filters) throws SQLException {
        SearchQuery query = filters.apply(SearchQuery.builder()).build();
        for (int page = 1; page < 5; page++) {
            SearchSql sql = SearchSql.of(query);
            Listing last = null;
            int rows = 0;
            try (ResultSet rs = st.executeQuery(inline(sql.sql(), sql.params()))) {
                while (rs.next() && rows++ < query.limit()) {
                    last = lastOf(rs);
                }
            }
            if (last == null) {
                break;
            }
            query = filters.apply(SearchQuery.builder()).cursor(SearchCursor.after(query, last)).build();
        }
        SearchSql sql = SearchSql.of(query);
        return plan(st, name, sql.sql(), sql.params());
    }

    /** Enough of a listing for a cursor (key, date, price); the rest is placeholder. */
    private static Listing lastOf(ResultSet rs) throws SQLException {
        return new Listing(new ListingKey(rs.getString(1)), rs.getString(2), StandardStatus.valueOf(rs.getString(3)),
                new io.hexproperty.domain.Money(rs.getLong(4)), PropertyType.valueOf(rs.getString(5)), rs.getInt(6),
                rs.getInt(7), rs.getInt(8), new io.hexproperty.domain.Address(rs.getString(9), rs.getString(10),
                rs.getString(11), rs.getString(12)), new io.hexproperty.domain.GeoPoint(rs.getDouble(13), rs.getDouble(14)),
                rs.getLong(15), rs.getLong(16), rs.getObject(17, LocalDate.class),
                rs.getObject(18, java.time.OffsetDateTime.class).toInstant(), rs.getInt(19), rs.getString(20),
                rs.getString(21), rs.getLong(22));
    }

    private static Plan plan(Statement st, String name, String sql, Tuple params) throws SQLException {
        st.execute("DEALLOCATE ALL");
        st.execute("PREPARE api_query AS " + sql);
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            args.append(i == 0 ? "" : ", ").append(literal(params.getValue(i)));
        }
        String execute = "EXECUTE api_query" + (params.size() == 0 ? "" : "(" + args + ")");
        // Warm the cache once so the plan shows steady-state buffers (hits), as the API sees them.
        st.execute(execute);
        StringBuilder text = new StringBuilder();
        List<String> indexes = new ArrayList<>();
        List<String> seqScans = new ArrayList<>();
        double ms = 0;
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + execute)) {
            while (rs.next()) {
                String line = rs.getString(1);
                text.append(line).append('\n');
                Matcher m = INDEX.matcher(line);
                if (m.find() && !indexes.contains(m.group(1))) {
                    indexes.add(m.group(1));
                }
                Matcher s = SEQ.matcher(line);
                if (s.find() && !seqScans.contains(s.group(1))) {
                    seqScans.add(s.group(1));
                }
                if (line.startsWith("Execution Time: ")) {
                    ms = Double.parseDouble(line.substring("Execution Time: ".length()).replace(" ms", ""));
                }
            }
        }
        st.execute("DEALLOCATE api_query");
        return new Plan(name, sql, List.copyOf(indexes), List.copyOf(seqScans), ms, text.toString());
    }

    private static String inline(String sql, Tuple params) {
        String out = sql;
        for (int i = params.size(); i >= 1; i--) {
            out = out.replace("$" + i, literal(params.getValue(i - 1)));
        }
        return out;
    }

    private static String literal(Object v) {
        if (v instanceof Number) {
            return v.toString();
        }
        return "'" + String.valueOf(v).replace("'", "''") + "'";
    }
}
