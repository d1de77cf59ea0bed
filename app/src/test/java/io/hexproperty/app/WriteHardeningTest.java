package io.hexproperty.app;

import static io.hexproperty.app.BadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 on the write path, over real HTTP against real PostgreSQL: strict JSON (duplicate keys,
 * comments, malformed UTF-8), single-line fields without CR/LF, inquiry rate limits with 429 +
 * Retry-After and the honeypot, and Idempotency-Key (replay, reuse with another body, one write under
 * concurrent retries).
 */
@Postgres
class WriteHardeningTest {
    private static final String JSON = "application/json";
    private static TestPlatform p;
    private static Platform node; // its own buckets: the shared platform's inquiry budget stays untouched
    private static List<String> keys;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        node = ConnectionGuardTest.nodeOn(p, InputConfig.defaults());
        keys = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=5")).stream().map(j -> j.getString("ListingKey")).toList();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String listing(String listingId) {
        return new JsonObject(BadInputTest.VALID).put("ListingId", listingId).encode();
    }

    private static HttpResponse<String> post(String path, byte[] body, String... headers) {
        return postTo(p.baseUrl, path, body, headers);
    }

    /** Inquiries that pass validation go to {@link #node}: they spend its rate-limit tokens, not the shared platform's. */
    private static HttpResponse<String> inquire(byte[] body, String... headers) {
        return postTo("http://127.0.0.1:" + node.port(), "/api/v1/inquiries", body, headers);
    }

    private static HttpResponse<String> postTo(String base, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", JSON);
        return p.send(b, headers);
    }

    private static HttpResponse<String> createListing(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + p.demoToken;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return post("/api/v1/listings", body.getBytes(StandardCharsets.UTF_8), all);
    }

    // ---- strict JSON --------------------------------------------------------------------------

    @Test
    void duplicateKeysCommentsAndMalformedUtf8AreRefused() {
        String id = "J-" + UUID.randomUUID();
        String body = listing(id);
        String duplicated = body.replaceFirst("\\{", "{\"City\":\"Dallas\",");
        assertProblem(createListing(duplicated), 400, "City");
        assertProblem(createListing(body.replaceFirst("\\{", "{/* hi */")), 400, "body");
        assertProblem(createListing(body.replaceFirst("\\{", "{// hi\n")), 400, "body");
        assertProblem(createListing(body.replaceFirst("\\{", "{# hi\n")), 400, "body");
        // "/" as the overlong two-byte sequence C0 AF, a bare continuation byte, an encoded surrogate, 0xFF
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}}) {
            byte[] prefix = "{\"ListingId\":\"".getBytes(StandardCharsets.UTF_8);
            byte[] rest = (id + "\"," + body.substring(body.indexOf("\"ListPrice\""))).getBytes(StandardCharsets.UTF_8);
            byte[] raw = new byte[prefix.length + bad.length + rest.length];
            System.arraycopy(prefix, 0, raw, 0, prefix.length);
            System.arraycopy(bad, 0, raw, prefix.length, bad.length);
            System.arraycopy(rest, 0, raw, prefix.length + bad.length, rest.length);
            assertProblem(post("/api/v1/listings", raw, "Authorization", "Bearer " + p.demoToken), 400, "body");
        }
        assertProblem(post("/api/v1/inquiries", ("{\"ListingKey\":\"" + keys.get(0) + "\",\"name\":\"A\",\"name\":\"B\","
                + "\"email\":\"a@b.co\",\"message\":\"hi\"}").getBytes(StandardCharsets.UTF_8)), 400, "name");
        assertThat(rows("SELECT count(*) FROM listings WHERE listing_id LIKE 'J-%'")).as("nothing written").isZero();
        // well-formed multi-byte text is of course fine
        HttpResponse<String> ok = createListing(new JsonObject(body).put("City", "Cañon City 東京").encode());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }

    // ---- single-line fields -------------------------------------------------------------------

    @Test
    void lineBreaksAndControlCharactersInSingleLineFieldsAreRefusedByName() {
        String body = listing("L-" + UUID.randomUUID());
        for (String bad : new String[] {"Austin\r\nX-Injected: 1", "Austin\n", "\rAustin", "Aus\ttin", "Aus\u2028tin", "Aus\u0085tin"}) {
            assertProblem(createListing(new JsonObject(body).put("City", bad).encode()), 400, "City");
            assertProblem(createListing(new JsonObject(body).put("UnparsedAddress", bad).encode()), 400, "UnparsedAddress");
            assertProblem(createListing(new JsonObject(body).put("ListingId", bad).encode()), 400, "ListingId");
            JsonObject inquiry = new JsonObject().put("ListingKey", keys.get(0)).put("name", bad).put("email", "a@b.co").put("message", "hi");
            assertProblem(post("/api/v1/inquiries", inquiry.encode().getBytes(StandardCharsets.UTF_8)), 400, "name");
            inquiry.put("name", "Ann").put("email", "a@b.co\r\nBcc: all@x.co");
            assertProblem(post("/api/v1/inquiries", inquiry.encode().getBytes(StandardCharsets.UTF_8)), 400, "email");
        }
        assertThat(rows("SELECT count(*) FROM listings WHERE city LIKE 'Aus%' AND city <> 'Austin'")).isZero();
        // free text keeps its line breaks
        HttpResponse<String> remarks = createListing(new JsonObject(body).put("PublicRemarks", "Line one.\nLine two.").encode());
        assertThat(remarks.statusCode()).as(remarks.body()).isEqualTo(201);
        assertThat(p.get("/api/v1/listings?city=Aus%0D%0Atin&state=TX").statusCode()).isEqualTo(400);
    }

    // ---- inquiry rate limits ------------------------------------------------------------------

    @Test
    void thirtyQuickInquiriesFromOneClientGet429WithRetryAfter() throws Exception {
        int created = 0;
        int limited = 0;
        try (RawHttp c = RawHttp.connect(node.port(), "127.0.0.21")) {
            for (int i = 0; i < 30; i++) {
                byte[] body = new JsonObject().put("ListingKey", keys.get(1)).put("name", "Buyer " + i).put("email", "b@b.co")
                        .put("message", "m".repeat(3000)).encode().getBytes(StandardCharsets.UTF_8);
                RawHttp.Response r = c.exchange("POST", "/api/v1/inquiries", JSON, body);
                if (r.status() == 201) {
                    created++;
                    assertThat(limited).as("no 201 after the first 429 within the burst").isZero();
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(429);
                    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                    assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 3600L);
                    assertThat(new JsonObject(r.body()).getString("detail")).contains("10 per 1h");
                    limited++;
                }
            }
        }
        assertThat(created).as("the default burst per client").isEqualTo(10);
        assertThat(limited).isEqualTo(20);
        // another client is not affected
        try (RawHttp other = RawHttp.connect(node.port(), "127.0.0.22")) {
            byte[] body = new JsonObject().put("ListingKey", keys.get(1)).put("name", "Other").put("email", "o@b.co")
                    .put("message", "hello").encode().getBytes(StandardCharsets.UTF_8);
            assertThat(other.exchange("POST", "/api/v1/inquiries", JSON, body).status()).isEqualTo(201);
        }
    }

    @Test
    void oneListingAcceptsThirtyInquiriesAnHourFromEveryoneTogether() throws Exception {
        String target = keys.get(2);
        List<Integer> statuses = new ArrayList<>();
        RawHttp.Response last = null;
        for (int i = 0; i < 31; i++) {
            try (RawHttp c = RawHttp.connect(node.port(), "127.0.1." + (i + 1))) {
                byte[] body = new JsonObject().put("ListingKey", target).put("name", "Buyer").put("email", "b@b.co")
                        .put("message", "hi").encode().getBytes(StandardCharsets.UTF_8);
                last = c.exchange("POST", "/api/v1/inquiries", JSON, body);
                statuses.add(last.status());
            }
        }
        assertThat(statuses.subList(0, 30)).containsOnly(201);
        assertThat(last.status()).isEqualTo(429);
        assertThat(new JsonObject(last.body()).getString("parameter")).isEqualTo("ListingKey");
        assertThat(last.header("Retry-After")).isNotNull();
    }

    @Test
    void theHoneypotFieldIsRefusedAndNothingIsStored() throws Exception {
        long before = rows("SELECT count(*) FROM inquiries");
        byte[] body = new JsonObject().put("ListingKey", keys.get(3)).put("name", "Bot").put("email", "bot@b.co")
                .put("message", "buy now").put("website", "http://spam.example").encode().getBytes(StandardCharsets.UTF_8);
        assertProblem(inquire(body), 400, "website");
        assertThat(rows("SELECT count(*) FROM inquiries")).isEqualTo(before);
        byte[] human = new JsonObject().put("ListingKey", keys.get(3)).put("name", "Person").put("email", "p@b.co")
                .put("message", "hello").put("website", "").encode().getBytes(StandardCharsets.UTF_8);
        assertThat(inquire(human).statusCode()).isEqualTo(201);
        assertThat(p.get("/").body()).contains("name=\"website\"");
    }

    // ---- Idempotency-Key -------------------------------------------------------------------------

    @Test
    void aRetriedCreateReturnsTheFirstResponseWithoutASecondWrite() {
        String id = "I-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = createListing(listing(id), "Idempotency-Key", key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        HttpResponse<String> again = createListing(listing(id), "Idempotency-Key", key);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
        assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
        assertThat(rows("SELECT count(*) FROM listings WHERE listing_id = '" + id + "'")).isOne();

        assertProblem(createListing(listing(id + "-other"), "Idempotency-Key", key), 422, "Idempotency-Key");
        assertThat(rows("SELECT count(*) FROM listings WHERE listing_id = '" + id + "-other'")).isZero();
        // another node (same database) honours the key too
        HttpResponse<String> elsewhere = p.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/v1/listings"))
                .POST(HttpRequest.BodyPublishers.ofString(listing(id))), "Content-Type", JSON,
                "Authorization", "Bearer " + p.demoToken, "Idempotency-Key", key);
        assertThat(elsewhere.statusCode()).isEqualTo(201);
        assertThat(elsewhere.body()).isEqualTo(first.body());
        assertThat(rows("SELECT count(*) FROM listings WHERE listing_id = '" + id + "'")).isOne();
        // without the header, nothing changes: two POSTs, two listings
        String plain = "N-" + UUID.randomUUID();
        assertThat(createListing(listing(plain)).statusCode()).isEqualTo(201);
        assertThat(createListing(listing(plain)).statusCode()).isEqualTo(201);
        assertThat(rows("SELECT count(*) FROM listings WHERE listing_id = '" + plain + "'")).isEqualTo(2);
    }

    @Test
    void inquiriesHonourTheKeyAndAFailedWriteGivesItBack() {
        String key = UUID.randomUUID().toString();
        byte[] body = new JsonObject().put("ListingKey", keys.get(4)).put("name", "Idem").put("email", "i@b.co")
                .put("message", "once " + key).encode().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> first = inquire(body, "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(inquire(body, "Idempotency-Key", key).body()).isEqualTo(first.body());
        assertThat(rows("SELECT count(*) FROM inquiries WHERE message = 'once " + key + "'")).isOne();

        // a write that fails (no such listing: 404) releases the key, so the corrected request may use it
        String second = UUID.randomUUID().toString();
        byte[] missing = new JsonObject().put("ListingKey", "HXNOSUCHKEY1").put("name", "Idem").put("email", "i@b.co")
                .put("message", "m").encode().getBytes(StandardCharsets.UTF_8);
        assertThat(inquire(missing, "Idempotency-Key", second).statusCode()).isEqualTo(404);
        assertThat(inquire(body, "Idempotency-Key", second).statusCode()).isEqualTo(201);

        assertProblem(inquire(body, "Idempotency-Key", "x".repeat(300)), 400, "Idempotency-Key");
        assertProblem(inquire(body, "Idempotency-Key", "\"quoted\""), 400, "Idempotency-Key");
    }

    @Test
    void concurrentRetriesWithOneKeyWriteExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 15; round++) {
                String id = "C-" + UUID.randomUUID();
                String key = UUID.randomUUID().toString();
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> createListing(listing(id), "Idempotency-Key", key), pool));
                }
                Set<String> locations = new HashSet<>();
                for (var call : calls) {
                    HttpResponse<String> r = call.get();
                    assertThat(r.statusCode()).as(r.body()).isIn(201, 409);
                    if (r.statusCode() == 201) {
                        locations.add(r.headers().firstValue("Location").orElseThrow());
                    } else {
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                        assertThat(new JsonObject(r.body()).getString("parameter")).isEqualTo("Idempotency-Key");
                    }
                }
                assertThat(rows("SELECT count(*) FROM listings WHERE listing_id = '" + id + "'")).as("round %d: one write", round).isOne();
                assertThat(locations).as("every success names the same listing").hasSize(1);
                HttpResponse<String> after = createListing(listing(id), "Idempotency-Key", key);
                assertThat(after.statusCode()).isEqualTo(201);
                assertThat(after.headers().firstValue("Location").orElseThrow()).isEqualTo(locations.iterator().next());
                assertThat(rows("SELECT count(*) FROM listings WHERE listing_id = '" + id + "'")).isOne();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long rows(String sql) {
        var db = p.platform.database();
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
