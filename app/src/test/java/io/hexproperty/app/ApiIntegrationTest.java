package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API end to end: real HTTP on loopback, real embedded PostgreSQL, generated data. */
@Postgres
class ApiIntegrationTest {
    private static TestPlatform p;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
    }

    static JsonObject json(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    static List<JsonObject> items(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonArray items = json(r).getJsonArray("items");
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(items.getJsonObject(i));
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String auth() {
        return "Bearer " + p.brokerToken;
    }

    @Test
    void healthAndReadiness() {
        assertThat(p.get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = p.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("UP");
    }

    @Test
    void searchesByCityAndReturnsExactlyTheLimit() {
        JsonObject any = items(p.get("/api/v1/listings?limit=1")).getFirst();
        String city = any.getString("City");
        String state = any.getString("StateOrProvince");
        List<JsonObject> found = items(p.get("/api/v1/listings?city=" + enc(city.toUpperCase()) + "&state="
                + state.toLowerCase() + "&limit=1"));
        assertThat(found).hasSize(1).allSatisfy(l -> {
            assertThat(l.getString("City")).isEqualToIgnoringCase(city);
            assertThat(l.getString("StateOrProvince")).isEqualTo(state);
        });
    }

    @Test
    void everyFilterHoldsOnEveryResult() {
        JsonObject sample = items(p.get("/api/v1/listings?limit=1&sort=price_desc")).getFirst();
        check("minPrice=200000&maxPrice=400000", l -> l.getLong("ListPrice") >= 200000 && l.getLong("ListPrice") <= 400000);
        check("minBeds=4", l -> l.getInteger("BedroomsTotal") >= 4);
        check("minBaths=3", l -> l.getInteger("BathroomsTotalInteger") >= 3);
        check("minArea=2500", l -> l.getInteger("LivingArea") >= 2500);
        check("status=Pending", l -> l.getString("StandardStatus").equals("Pending"));
        check("type=ResidentialLease", l -> l.getString("PropertyType").equals("ResidentialLease"));
        check("postalCode=" + sample.getString("PostalCode"), l -> l.getString("PostalCode").equals(sample.getString("PostalCode")));
        check("h3=" + sample.getString("H3Cell7"), l -> l.getString("H3Cell7").equals(sample.getString("H3Cell7")));
        check("h3=" + sample.getString("H3Cell9"), l -> l.getString("H3Cell9").equals(sample.getString("H3Cell9")));
        double lat = sample.getDouble("Latitude");
        double lon = sample.getDouble("Longitude");
        String bbox = (lon - 0.5) + "," + (lat - 0.5) + "," + (lon + 0.5) + "," + (lat + 0.5);
        check("bbox=" + bbox, l -> Math.abs(l.getDouble("Latitude") - lat) <= 0.5 && Math.abs(l.getDouble("Longitude") - lon) <= 0.5);
        String word = sample.getString("City").split(" ")[0];
        check("q=" + enc(word), l -> (l.getString("UnparsedAddress") + " " + l.getString("City") + " "
                + l.getString("PublicRemarks")).toLowerCase().contains(word.toLowerCase()));
    }

    private void check(String filter, Predicate<JsonObject> holds) {
        List<JsonObject> found = items(p.get("/api/v1/listings?limit=100&" + filter));
        assertThat(found).as(filter).isNotEmpty().allMatch(holds);
    }

    @Test
    void cursorPagingVisitsEveryMatchOnceInSortOrder() {
        for (String sort : List.of("newest", "price_asc", "price_desc")) {
            Set<String> seen = new HashSet<>();
            List<JsonObject> all = new ArrayList<>();
            String next = null;
            int pages = 0;
            do {
                String url = "/api/v1/listings?minPrice=100000&maxPrice=300000&limit=37&sort=" + sort
                        + (next == null ? "" : "&cursor=" + enc(next));
                HttpResponse<String> r = p.get(url);
                List<JsonObject> page = items(r);
                page.forEach(l -> assertThat(seen.add(l.getString("ListingKey"))).as("duplicate").isTrue());
                all.addAll(page);
                next = json(r).getString("next");
                pages++;
            } while (next != null && pages < 500);
            assertThat(pages).isGreaterThan(1);
            for (int i = 1; i < all.size(); i++) {
                JsonObject a = all.get(i - 1);
                JsonObject b = all.get(i);
                int cmp = switch (sort) {
                    case "newest" -> b.getString("ListingContractDate").compareTo(a.getString("ListingContractDate"));
                    case "price_asc" -> Long.compare(a.getLong("ListPrice"), b.getLong("ListPrice"));
                    default -> Long.compare(b.getLong("ListPrice"), a.getLong("ListPrice"));
                };
                assertThat(cmp).as(sort + " order at " + i).isLessThanOrEqualTo(0);
                if (cmp == 0) {
                    assertThat(a.getString("ListingKey")).isLessThan(b.getString("ListingKey"));
                }
            }
        }
    }

    @Test
    void detailHasStrongETagAndAnswers304() {
        String key = items(p.get("/api/v1/listings?limit=1")).getFirst().getString("ListingKey");
        HttpResponse<String> r = p.get("/api/v1/listings/" + key);
        assertThat(r.statusCode()).isEqualTo(200);
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"v[0-9]+\"");
        assertThat(r.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age");
        assertThat(json(r).getString("ListingKey")).isEqualTo(key);
        HttpResponse<String> again = p.get("/api/v1/listings/" + key, "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void agentLifecycleCreatePatchWithIfMatchDelete() {
        String body = """
                {"ListingId":"T-1","ListPrice":425000,"BedroomsTotal":3,"BathroomsTotalInteger":2,"LivingArea":1850,
                 "UnparsedAddress":"12 O'Hara Ln; DROP TABLE listings","City":"Houston","StateOrProvince":"TX",
                 "PostalCode":"77002","Latitude":29.75,"Longitude":-95.36,
                 "PublicRemarks":"Cañon view 🏡 <script>alert(1)</script>"}""";
        HttpResponse<String> created = p.send("POST", "/api/v1/listings", body,
                "Authorization", auth(), "Content-Type", "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        JsonObject listing = json(p.get(location));
        assertThat(listing.getString("UnparsedAddress")).isEqualTo("12 O'Hara Ln; DROP TABLE listings");
        assertThat(listing.getString("PublicRemarks")).isEqualTo("Cañon view 🏡 <script>alert(1)</script>");
        assertThat(listing.getLong("version")).isEqualTo(1);

        HttpResponse<String> stale = p.send("PATCH", location, "{\"ListPrice\":400000}", "Authorization", auth(),
                "Content-Type", "application/json", "If-Match", "\"v7\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(json(stale).getString("parameter")).isEqualTo("If-Match");

        HttpResponse<String> patched = p.send("PATCH", location, "{\"ListPrice\":400000,\"StandardStatus\":\"Pending\"}",
                "Authorization", auth(), "Content-Type", "application/json", "If-Match", "\"v1\"");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).getLong("ListPrice")).isEqualTo(400000);
        assertThat(json(patched).getLong("version")).isEqualTo(2);
        assertThat(json(p.get(location)).getString("StandardStatus")).isEqualTo("Pending");

        assertThat(p.send("DELETE", location, null).statusCode()).isEqualTo(401);
        assertThat(p.send("DELETE", location, null, "Authorization", auth()).statusCode()).isEqualTo(204);
        assertThat(p.get(location).statusCode()).isEqualTo(404);
        HttpResponse<String> patchDeleted = p.send("PATCH", location, "{\"ListPrice\":1}", "Authorization", auth(),
                "Content-Type", "application/json");
        assertThat(patchDeleted.statusCode()).isEqualTo(404);
        assertThat(p.send("DELETE", location, null, "Authorization", auth()).statusCode()).isEqualTo(404);
    }

    /** Issue 9 item 3: generated listings belong to the MLS feed account; an agent gets 403, a broker may change them. */
    @Test
    void feedListingsAreNoAgentsButABrokerMayChangeThem() {
        JsonObject seeded = items(p.get("/api/v1/listings?limit=1&sort=price_desc")).getFirst();
        assertThat(seeded.getValue("ListAgentKey")).isEqualTo(io.hexproperty.domain.Agent.MLS_FEED_KEY);
        HttpResponse<String> byAgent = p.send("PATCH", "/api/v1/listings/" + seeded.getString("ListingKey"),
                "{\"PhotosCount\":7}", "Authorization", "Bearer " + p.demoToken, "Content-Type", "application/json");
        BadInputTest.assertProblem(byAgent, 403, "Authorization");
        HttpResponse<String> patched = p.send("PATCH", "/api/v1/listings/" + seeded.getString("ListingKey"),
                "{\"PhotosCount\":7}", "Authorization", "Bearer " + p.brokerToken, "Content-Type", "application/json");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).getInteger("PhotosCount")).isEqualTo(7);
    }

    @Test
    void inquiriesAreStoredForExistingListingsOnly() {
        String key = items(p.get("/api/v1/listings?limit=1")).getFirst().getString("ListingKey");
        HttpResponse<String> ok = p.send("POST", "/api/v1/inquiries", new JsonObject().put("ListingKey", key)
                .put("name", "Zoë").put("email", "zoe@example.com").put("message", "Is it still available?").encode(),
                "Content-Type", "application/json");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        HttpResponse<String> missing = p.send("POST", "/api/v1/inquiries", new JsonObject().put("ListingKey", "HXNOPE")
                .put("name", "A").put("email", "a@example.com").put("message", "hi").encode(),
                "Content-Type", "application/json");
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void metricsExposeRouteTemplatesPoolAndJvm() {
        String key = items(p.get("/api/v1/listings?limit=1")).getFirst().getString("ListingKey");
        p.get("/api/v1/listings/" + key);
        String metrics = p.management("/metrics").body();
        assertThat(metrics).contains("http_server_requests_seconds_bucket")
                .contains("route=\"/api/v1/listings/:listingKey\"")
                .doesNotContain("route=\"/api/v1/listings/" + key)
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage")
                .containsPattern("db_client_connections_used\\{[^}]*pool_name=\"hexproperty-pg\"");
    }
}
