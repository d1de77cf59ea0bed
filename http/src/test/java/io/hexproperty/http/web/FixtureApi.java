package io.hexproperty.http.web;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stand-in for the listings API that serves webroot/ and answers from fixed listings, strict
 * the way the real API is: unknown or empty query parameters are a 400 problem, so a page that
 * sends them fails its test. Requests are recorded for assertions.
 */
final class FixtureApi implements AutoCloseable {
    /** Homes for sale in Houston; the fixture also has rentals and land there, which a sale search must not show. */
    static final int HOUSTON_LISTINGS = 25;
    static final int HOUSTON_RENTALS = 3;
    private static final Set<String> PARAMETERS =
            Set.of("city", "state", "postalCode", "market", "minPrice", "maxPrice", "minBeds", "sort", "limit", "cursor");

    private final Vertx vertx = Vertx.vertx();
    private final List<JsonObject> listings = listings();
    private final List<String> searchQueries = new CopyOnWriteArrayList<>();
    private final List<JsonObject> inquiries = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FixtureApi() throws Exception {
        Router router = Router.router(vertx);
        router.get("/api/v1/listings").handler(this::search);
        router.get("/api/v1/listings/:key").handler(this::listing);
        router.post("/api/v1/inquiries").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::inquiry);
        router.get("/*").handler(io.hexproperty.http.StaticAssets.webroot()::handle);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Raw query strings of the searches the page made, oldest first. */
    List<String> searchQueries() {
        return List.copyOf(searchQueries);
    }

    List<JsonObject> inquiries() {
        return List.copyOf(inquiries);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void search(RoutingContext ctx) {
        searchQueries.add(ctx.request().query() == null ? "" : ctx.request().query());
        MultiMap params = ctx.queryParams();
        for (String name : params.names()) {
            if (!PARAMETERS.contains(name)) {
                problem(ctx, 400, "Invalid parameter", "unknown query parameter '" + name + "'", name);
                return;
            }
            if (params.get(name).isBlank()) {
                problem(ctx, 400, "Invalid parameter", name + " must not be empty", name);
                return;
            }
        }
        String state = params.get("state");
        if (state != null && !state.matches("[A-Z]{2}")) {
            problem(ctx, 400, "Invalid parameter", "state must be a two-letter USPS code such as TX, got '" + state + "'", "state");
            return;
        }
        String market = params.get("market") == null ? "sale" : params.get("market");
        if (!market.equals("sale") && !market.equals("rent")) {
            problem(ctx, 400, "Invalid parameter", "market must be sale or rent, got '" + market + "'", "market");
            return;
        }
        // As the API: sale shows homes for sale only (no rentals, no land), rent shows residential leases.
        String homes = market.equals("rent") ? "ResidentialLease" : "Residential";
        Predicate<JsonObject> filter = l -> l.getString("PropertyType").equals(homes);
        if (params.contains("city")) {
            filter = filter.and(l -> l.getString("City").equalsIgnoreCase(params.get("city")));
        }
        if (state != null) {
            filter = filter.and(l -> l.getString("StateOrProvince").equals(state));
        }
        if (params.contains("postalCode")) {
            filter = filter.and(l -> l.getString("PostalCode").equals(params.get("postalCode")));
        }
        if (params.contains("minPrice")) {
            long min = Long.parseLong(params.get("minPrice"));
            filter = filter.and(l -> l.getLong("ListPrice") >= min);
        }
        if (params.contains("maxPrice")) {
            long max = Long.parseLong(params.get("maxPrice"));
            filter = filter.and(l -> l.getLong("ListPrice") <= max);
        }
        if (params.contains("minBeds")) {
            int min = Integer.parseInt(params.get("minBeds"));
            filter = filter.and(l -> l.getInteger("BedroomsTotal") >= min);
        }
        Comparator<JsonObject> byKey = Comparator.comparing(l -> l.getString("ListingKey"));
        Comparator<JsonObject> order = switch (params.get("sort") == null ? "newest" : params.get("sort")) {
            case "price_asc" -> Comparator.<JsonObject>comparingLong(l -> l.getLong("ListPrice")).thenComparing(byKey);
            case "price_desc" -> Comparator.<JsonObject>comparingLong(l -> -l.getLong("ListPrice")).thenComparing(byKey);
            default -> Comparator.<JsonObject, String>comparing(l -> l.getString("ListingContractDate")).reversed()
                    .thenComparing(byKey);
        };
        List<JsonObject> matches = listings.stream().filter(filter).sorted(order).toList();
        int limit = params.contains("limit") ? Integer.parseInt(params.get("limit")) : 20;
        int offset = 0;
        if (params.contains("cursor")) {
            if (!params.get("cursor").matches("o\\d+")) {
                problem(ctx, 400, "Invalid parameter", "cursor is not a cursor this API issued", "cursor");
                return;
            }
            offset = Integer.parseInt(params.get("cursor").substring(1));
        }
        int end = Math.min(matches.size(), offset + limit);
        JsonArray items = new JsonArray(new ArrayList<>(matches.subList(Math.min(offset, end), end)));
        json(ctx, 200, new JsonObject().put("items", items).put("next", end < matches.size() ? "o" + end : null));
    }

    private void listing(RoutingContext ctx) {
        String key = ctx.pathParam("key");
        listings.stream().filter(l -> l.getString("ListingKey").equals(key)).findFirst().ifPresentOrElse(
                l -> json(ctx, 200, l),
                () -> problem(ctx, 404, "Listing not found", "no listing with ListingKey " + key, "listingKey"));
    }

    private void inquiry(RoutingContext ctx) {
        JsonObject body = ctx.body().asJsonObject();
        for (String field : List.of("ListingKey", "name", "email", "message")) {
            if (body.getString(field, "").isBlank()) {
                problem(ctx, 400, "Invalid inquiry", field + " is required", field);
                return;
            }
        }
        if (body.getString("email").endsWith(".invalid")) {
            problem(ctx, 400, "Invalid inquiry", "email domain " + body.getString("email").replaceAll(".*@", "")
                    + " does not accept mail", "email");
            return;
        }
        inquiries.add(body);
        json(ctx, 201, new JsonObject().put("id", inquiries.size()));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static void problem(RoutingContext ctx, int status, String title, String detail, String parameter) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                        .put("detail", detail).put("parameter", parameter).encode());
    }

    private static List<JsonObject> listings() {
        List<JsonObject> all = new ArrayList<>();
        String[] streets = {"Oak St", "Westheimer Rd", "Montrose Blvd", "Heights Blvd", "Kirby Dr"};
        for (int i = 1; i <= HOUSTON_LISTINGS; i++) {
            all.add(listing(i, (1000 + 37 * i) + " " + streets[i % streets.length], "Houston", i % 3 == 0 ? "77002" : "77006",
                    185_000 + 23_500L * ((i * 7) % HOUSTON_LISTINGS), 1 + i % 5, 1 + i % 3, 950 + 85 * i,
                    LocalDate.of(2026, 1, 1).plusDays(i), i % 7 == 0 ? "Pending" : "Active"));
        }
        for (int i = 1; i <= HOUSTON_RENTALS; i++) {
            all.add(listing(200 + i, (2000 + i) + " Richmond Ave", "Houston", "77006", 1_150 + 350L * i, i, 1, 700 + 120 * i,
                    LocalDate.of(2026, 3, 1).plusDays(i), "Active").put("PropertyType", "ResidentialLease"));
        }
        all.add(listing(300, "County Rd 12", "Houston", "77006", 95_000, 0, 0, 0, LocalDate.of(2026, 3, 9), "Active")
                .put("PropertyType", "Land"));
        all.add(listing(101, "500 Congress Ave", "Austin", "78701", 640_000, 2, 2, 1400,
                LocalDate.of(2026, 2, 1), "Active"));
        return all;
    }

    private static JsonObject listing(int n, String street, String city, String zip, long price, int beds, int baths,
                                      int area, LocalDate listed, String status) {
        return new JsonObject()
                .put("ListingKey", String.format("HX%08d", n))
                .put("ListingId", "MLS" + (70_000 + n))
                .put("StandardStatus", status)
                .put("ListPrice", price)
                .put("PropertyType", "Residential")
                .put("BedroomsTotal", beds)
                .put("BathroomsTotalInteger", baths)
                .put("LivingArea", area)
                .put("UnparsedAddress", street)
                .put("City", city)
                .put("StateOrProvince", "TX")
                .put("PostalCode", zip)
                .put("Latitude", 29.7604 + n / 1000.0)
                .put("Longitude", -95.3698 - n / 1000.0)
                .put("H3Cell7", "872a1072bffffff")
                .put("H3Cell9", "892a1072b5bffff")
                .put("ListingContractDate", listed.toString())
                .put("ModificationTimestamp", listed.atTime(10, 0) + ":00Z")
                .put("PhotosCount", 4 + n % 20)
                .put("PublicRemarks", "Bright " + beds + "-bedroom home on " + street
                        + " with an open kitchen, a shaded backyard and new windows. Walk to parks and cafes.")
                .put("ListAgentKey", "AG" + (n % 9))
                .put("version", 1 + n % 4);
    }
}
