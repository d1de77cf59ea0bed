package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken input on every endpoint: each gets a 4xx RFC 9457 problem naming what is
 * wrong; never a 5xx, never a stack trace, never a partial write.
 */
@Postgres
class BadInputTest {
    private static TestPlatform p;
    private static String key;
    private static final String JSON = "application/json";

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=1")).getFirst().getString("ListingKey");
    }

    static final String VALID = """
            {"ListingId":"B-1","ListPrice":300000,"BedroomsTotal":3,"BathroomsTotalInteger":2,"LivingArea":1500,
             "UnparsedAddress":"1 Elm St","City":"Austin","StateOrProvince":"TX","PostalCode":"78701",
             "Latitude":30.27,"Longitude":-97.74}""";

    static String with(String field, Object value) {
        return new JsonObject(VALID).put(field, value).encode();
    }

    static Stream<Arguments> searches() {
        return Stream.of(
                Arguments.of("limit=0", 400, "limit"), Arguments.of("limit=101", 400, "limit"),
                Arguments.of("limit=100000000000000000000", 400, "limit"), Arguments.of("limit=ten", 400, "limit"),
                Arguments.of("minPrice=-1", 400, "minPrice"), Arguments.of("minPrice=1e9", 400, "minPrice"),
                Arguments.of("minPrice=10&maxPrice=5", 400, "minPrice"), Arguments.of("maxPrice=%00", 400, "maxPrice"),
                Arguments.of("minBeds=2.5", 400, "minBeds"), Arguments.of("minBaths=x", 400, "minBaths"),
                Arguments.of("minArea=-3", 400, "minArea"), Arguments.of("bbox=1,2,3", 400, "bbox"),
                Arguments.of("bbox=10,10,0,0", 400, "bbox"), Arguments.of("bbox=0,0,181,1", 400, "bbox"),
                Arguments.of("bbox=a,b,c,d", 400, "bbox"), Arguments.of("h3=notacell", 400, "h3"),
                Arguments.of("h3=85283473fffffff", 400, "h3"),
                Arguments.of("cursor=bm90LWEtY3Vyc29y", 400, "cursor"), Arguments.of("cursor=%27%3B--", 400, "cursor"),
                Arguments.of("sort=random", 400, "sort"), Arguments.of("status=Sold", 400, "status"),
                Arguments.of("type=Castle", 400, "type"), Arguments.of("state=Texas", 400, "state"),
                Arguments.of("postalCode=1234", 400, "postalCode"), Arguments.of("minprice=5", 400, "minprice"),
                Arguments.of("city=a&city=b", 400, "city"), Arguments.of("q=" + "x".repeat(400), 400, "q"),
                Arguments.of("city=", 400, "city"));
    }

    @ParameterizedTest
    @MethodSource("searches")
    void badSearchParameters(String query, int status, String parameter) {
        assertProblem(p.get("/api/v1/listings?" + query), status, parameter);
    }

    @Test
    void sqlMetacharactersAndUnicodeInTextFiltersAreJustText() {
        for (String q : new String[] {"'; DROP TABLE listings; --", "\" OR 1=1 --", "Cañon 東京 🏡", "%_\\"}) {
            HttpResponse<String> r = p.get("/api/v1/listings?q=" + ApiIntegrationTest.enc(q) + "&city="
                    + ApiIntegrationTest.enc(q) + "&state=TX");
            assertThat(r.statusCode()).as(q).isEqualTo(200);
        }
        assertThat(p.get("/api/v1/listings?limit=1").statusCode()).isEqualTo(200);
    }

    static Stream<Arguments> creates() {
        return Stream.of(
                Arguments.of("{", 400, "body"), Arguments.of("[]", 400, "body"), Arguments.of("null", 400, "body"),
                Arguments.of("", 400, "body"), Arguments.of("\"text\"", 400, "body"),
                Arguments.of("[".repeat(5000) + "]".repeat(5000), 400, "body"),
                Arguments.of(with("ListPrice", -5), 400, "ListPrice"),
                Arguments.of(with("ListPrice", "cheap"), 400, "ListPrice"),
                Arguments.of(with("ListPrice", 1.5), 400, "ListPrice"),
                Arguments.of(VALID.replace("300000", "1e400"), 400, "ListPrice"),
                Arguments.of(VALID.replace("300000", "123456789012345678901234567890"), 400, "ListPrice"),
                Arguments.of(with("BedroomsTotal", 100000), 400, "BedroomsTotal"),
                Arguments.of(with("Latitude", 91), 400, "Latitude"),
                Arguments.of(with("Longitude", "east"), 400, "Longitude"),
                Arguments.of(with("StateOrProvince", "Texas"), 400, "StateOrProvince"),
                Arguments.of(with("PostalCode", "7870"), 400, "PostalCode"),
                Arguments.of(with("StandardStatus", "Sold"), 400, "StandardStatus"),
                Arguments.of(with("ListingContractDate", "yesterday"), 400, "ListingContractDate"),
                Arguments.of(with("City", ""), 400, "City"),
                Arguments.of(with("City", "x".repeat(500)), 400, "City"),
                Arguments.of(with("City", "Bad\u0000City"), 400, "City"),
                Arguments.of(with("PublicRemarks", "y".repeat(5000)), 400, "PublicRemarks"),
                Arguments.of(with("ListingKey", "HXMINE"), 400, "ListingKey"),
                Arguments.of(with("version", 9), 400, "version"),
                Arguments.of(with("Colour", "red"), 400, "Colour"),
                Arguments.of(with("City", null), 400, "City"),
                Arguments.of(new JsonObject(VALID).put("City", new JsonObject()).encode(), 400, "City"),
                Arguments.of(VALID.replace("\"ListingId\":\"B-1\",", ""), 400, "ListingId"));
    }

    @ParameterizedTest
    @MethodSource("creates")
    void badListingBodies(String body, int status, String parameter) {
        long before = count();
        assertProblem(p.send("POST", "/api/v1/listings", body, "Authorization", "Bearer " + p.brokerToken,
                "Content-Type", JSON), status, parameter);
        assertThat(count()).as("nothing written").isEqualTo(before);
    }

    @Test
    void oversizedBodyIs413() {
        String huge = with("PublicRemarks", "z".repeat(200_000));
        assertProblem(p.send("POST", "/api/v1/listings", huge, "Authorization", "Bearer " + p.brokerToken,
                "Content-Type", JSON), 413, "body");
        assertProblem(p.send("POST", "/api/v1/inquiries", "{\"message\":\"" + "m".repeat(100_000) + "\"}",
                "Content-Type", JSON), 413, "body");
    }

    @Test
    void wrongContentTypeIs415() {
        assertProblem(p.send("POST", "/api/v1/listings", VALID, "Authorization", "Bearer " + p.brokerToken,
                "Content-Type", "text/plain"), 415, "Content-Type");
        assertProblem(p.send("POST", "/api/v1/listings", VALID, "Authorization", "Bearer " + p.brokerToken),
                415, "Content-Type");
        assertProblem(p.send("PATCH", "/api/v1/listings/" + key, "ListPrice=5", "Authorization",
                "Bearer " + p.brokerToken, "Content-Type", "application/x-www-form-urlencoded"), 415, "Content-Type");
    }

    @Test
    void missingAndInvalidTokensAre401() {
        assertProblem(p.send("POST", "/api/v1/listings", VALID, "Content-Type", JSON), 401, "Authorization");
        assertProblem(p.send("POST", "/api/v1/listings", VALID, "Content-Type", JSON, "Authorization", "Bearer nope"),
                401, "Authorization");
        assertProblem(p.send("POST", "/api/v1/listings", VALID, "Content-Type", JSON, "Authorization", "Basic dTpw"),
                401, "Authorization");
        assertProblem(p.send("PATCH", "/api/v1/listings/" + key, "{\"ListPrice\":1}", "Content-Type", JSON,
                "Authorization", "Bearer ' OR '1'='1"), 401, "Authorization");
        assertProblem(p.send("DELETE", "/api/v1/listings/" + key, null, "Authorization", "Bearer hxp_forged"),
                401, "Authorization");
    }

    @Test
    void badPatches() {
        String auth = "Bearer " + p.brokerToken;
        assertProblem(p.send("PATCH", "/api/v1/listings/" + key, "{}", "Authorization", auth, "Content-Type", JSON), 400, "body");
        assertProblem(p.send("PATCH", "/api/v1/listings/" + key, "{\"City\":\"Paris\"}", "Authorization", auth,
                "Content-Type", JSON), 400, "City");
        assertProblem(p.send("PATCH", "/api/v1/listings/" + key, "{\"ListPrice\":1}", "Authorization", auth,
                "Content-Type", JSON, "If-Match", "W/\"v1\""), 400, "If-Match");
        assertProblem(p.send("PATCH", "/api/v1/listings/NOPE-NOT-THERE", "{\"ListPrice\":1}", "Authorization", auth,
                "Content-Type", JSON), 404, "listingKey");
    }

    @Test
    void badInquiries() {
        assertProblem(p.send("POST", "/api/v1/inquiries", "{\"ListingKey\":\"" + key
                + "\",\"name\":\"A\",\"email\":\"not-an-email\",\"message\":\"hi\"}", "Content-Type", JSON), 400, "email");
        assertProblem(p.send("POST", "/api/v1/inquiries", "{\"ListingKey\":\"../../etc\",\"name\":\"A\","
                + "\"email\":\"a@b.co\",\"message\":\"hi\"}", "Content-Type", JSON), 400, "ListingKey");
        assertProblem(p.send("POST", "/api/v1/inquiries", "{\"ListingKey\":\"" + key + "\"}", "Content-Type", JSON),
                400, "name");
    }

    @Test
    void oddPathsAndMethods() {
        assertProblem(p.get("/api/v1/listings/%27%20OR%201=1"), 400, "listingKey");
        assertProblem(p.get("/api/v1/listings/" + "k".repeat(300)), 400, "listingKey");
        HttpResponse<String> unknown = p.get("/api/v2/nothing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        HttpResponse<String> put = p.send("PUT", "/api/v1/listings/" + key, "{}", "Content-Type", JSON);
        assertThat(put.statusCode()).isBetween(400, 499);
    }

    /** Rows in the listings and outbox tables, read straight from PostgreSQL. */
    private long count() {
        var db = p.platform.database();
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var rs = c.createStatement().executeQuery(
                     "SELECT (SELECT count(*) FROM listings) + (SELECT count(*) FROM listing_changes)")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertProblem(HttpResponse<String> r, int status, String parameter) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonObject problem = new JsonObject(r.body());
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
        assertThat(problem.getString("parameter")).isEqualTo(parameter);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.hexproperty");
    }

    /** A 503 problem: the store could not answer (no parameter is at fault). */
    static void assertProblem503(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(new JsonObject(r.body()).getInteger("status")).isEqualTo(503);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.hexproperty");
    }
}
