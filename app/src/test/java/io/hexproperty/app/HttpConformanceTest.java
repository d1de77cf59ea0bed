package io.hexproperty.app;

import static io.hexproperty.app.ApiIntegrationTest.items;
import static io.hexproperty.app.BadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP conformance on the real platform (issue 9): HEAD, IMF-fixdate, one strong ETag per content
 * coding, ETags and 304 on search pages, 400 for a malformed listing key, the page's security
 * headers, Brotli, and the sale/rent split of the search default.
 */
@Postgres
class HttpConformanceTest {
    private static final Pattern IMF_FIXDATE =
            Pattern.compile("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    private static final List<String> REPRESENTATION_HEADERS = List.of("content-type", "content-length", "etag",
            "cache-control", "content-encoding", "last-modified", "vary", "content-security-policy");
    private static TestPlatform p;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
    }

    private static HttpResponse<byte[]> fetch(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(p.baseUrl + path)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return p.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static String someKey() {
        return items(p.get("/api/v1/listings?limit=2&sort=price_asc")).getLast().getString("ListingKey");
    }

    private static String scriptPath() {
        Matcher js = Pattern.compile("\"(/assets/app\\.[0-9a-f]{8}\\.js)\"").matcher(p.get("/").body());
        assertThat(js.find()).isTrue();
        return js.group(1);
    }

    @Test
    void headAnswersEveryGetRouteWithTheSameHeadersAndNoBody() throws Exception {
        for (String path : List.of("/", scriptPath(), "/app.css", "/api/v1/listings/" + someKey(),
                "/api/v1/listings?limit=5", "/health/ready", "/health/live", "/openapi.json")) {
            for (String encoding : List.of("identity", "gzip")) {
                HttpResponse<byte[]> get = fetch("GET", path, "Accept-Encoding", encoding);
                HttpResponse<byte[]> head = fetch("HEAD", path, "Accept-Encoding", encoding);
                assertThat(head.statusCode()).as(path).isEqualTo(200).isEqualTo(get.statusCode());
                assertThat(head.body()).as(path).isEmpty();
                for (String name : REPRESENTATION_HEADERS) {
                    assertThat(header(head, name)).as(path + " " + encoding + " " + name).isEqualTo(header(get, name));
                }
                assertThat(header(head, "content-length")).as(path).isEqualTo(String.valueOf(get.body().length));
            }
        }
    }

    /** On the wire: a HEAD answer has no body, whatever it answers, or the next response on the connection is garbled. */
    @Test
    void headAnswersCarryNoBodyOnTheWireEvenForProblems() throws Exception {
        URI base = URI.create(p.baseUrl);
        try (var socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String requests = "HEAD /api/v1/listings?bogus=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /api/v1/listings/bad%20key! HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(requests.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String wire = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            List<String> statusLines = wire.lines().filter(l -> l.startsWith("HTTP/1.1 ")).toList();
            assertThat(statusLines).as(wire).containsExactly("HTTP/1.1 400 Bad Request", "HTTP/1.1 400 Bad Request",
                    "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK");
            // Only the GET has a body: the problem documents of the HEAD answers never reach the wire.
            assertThat(wire).doesNotContain("\"title\"").doesNotContain("<html").endsWith("{\"status\":\"UP\"}");
        }
    }

    @Test
    void lastModifiedIsAnImfFixdate() {
        HttpResponse<String> r = p.get("/api/v1/listings/" + someKey());
        assertThat(header(r, "Last-Modified")).matches(IMF_FIXDATE);
    }

    @Test
    void eachContentCodingHasItsOwnStrongETagAndIfNoneMatchTakesAny() throws Exception {
        for (String path : List.of("/api/v1/listings/" + someKey(), "/api/v1/listings?limit=20", scriptPath())) {
            String identity = header(fetch("GET", path, "Accept-Encoding", "identity"), "ETag");
            String gzip = header(fetch("GET", path, "Accept-Encoding", "gzip"), "ETag");
            assertThat(identity).as(path).matches("\"[^\"]+\"");
            assertThat(gzip).as(path).isEqualTo(identity.substring(0, identity.length() - 1) + "-gz\"");
            assertThat(fetch("GET", path, "Accept-Encoding", "identity", "If-None-Match", gzip).statusCode()).isEqualTo(304);
            assertThat(fetch("GET", path, "Accept-Encoding", "gzip", "If-None-Match", identity).statusCode()).isEqualTo(304);
            HttpResponse<byte[]> notModified = fetch("GET", path, "Accept-Encoding", "gzip", "If-None-Match", "\"x\", " + gzip);
            assertThat(notModified.statusCode()).isEqualTo(304);
            assertThat(header(notModified, "ETag")).isEqualTo(gzip);
            assertThat(fetch("GET", path, "Accept-Encoding", "gzip", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void searchPagesCarryAnETagThatChangesWithTheirContent() throws Exception {
        HttpResponse<String> first = p.get("/api/v1/listings?limit=3&sort=price_desc");
        String etag = header(first, "ETag");
        assertThat(etag).matches("\"p[0-9a-f]{16}\"");
        HttpResponse<String> again = p.get("/api/v1/listings?limit=3&sort=price_desc", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(header(p.get("/api/v1/listings?limit=4&sort=price_desc"), "ETag")).isNotEqualTo(etag);
    }

    @Test
    void aListingKeyBreakingThePatternIsABadRequestNamingIt() {
        assertProblem(p.get("/api/v1/listings/bad%20key!"), 400, "listingKey");
        assertProblem(p.get("/api/v1/listings/" + "k".repeat(300)), 400, "listingKey");
        assertProblem(p.get("/api/v1/listings/NO-SUCH-KEY"), 404, "listingKey");
    }

    @Test
    void thePageAndItsAssetsCarrySecurityHeaders() {
        for (String path : List.of("/", scriptPath(), "/app.css")) {
            HttpResponse<String> r = p.get(path);
            assertThat(header(r, "Content-Security-Policy")).as(path)
                    .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'");
            assertThat(header(r, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(header(r, "Referrer-Policy")).as(path).isEqualTo("strict-origin-when-cross-origin");
        }
    }

    @Test
    void brotliIsOfferedForAssetsAndLargeApiResponses() throws Exception {
        Brotli4jLoader.ensureAvailability();
        for (String path : List.of(scriptPath(), "/api/v1/listings?limit=20")) {
            byte[] identity = fetch("GET", path, "Accept-Encoding", "identity").body();
            HttpResponse<byte[]> br = fetch("GET", path, "Accept-Encoding", "gzip, deflate, br");
            assertThat(header(br, "Content-Encoding")).as(path).isEqualTo("br");
            assertThat(header(br, "ETag")).as(path).endsWith("-br\"");
            assertThat(br.body().length).as(path).isLessThan(gzipLength(path));
            assertThat(Decoder.decompress(br.body()).getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
            assertThat(Decoder.decompress(br.body()).getDecompressedData()).as(path).isEqualTo(identity);
            assertThat(header(fetch("GET", path, "Accept-Encoding", "br;q=0, gzip"), "Content-Encoding")).isEqualTo("gzip");
        }
    }

    private static int gzipLength(String path) throws Exception {
        HttpResponse<byte[]> gz = fetch("GET", path, "Accept-Encoding", "gzip");
        assertThat(header(gz, "Content-Encoding")).isEqualTo("gzip");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(path + " gzip body does not decode", e);
        }
        return gz.body().length;
    }

    @Test
    void theDefaultSearchIsHomesForSaleAndRentIsItsOwnSearch() {
        Set<String> saleHomes = Set.of("Residential", "ResidentialIncome");
        List<JsonObject> sale = items(p.get("/api/v1/listings?limit=100"));
        assertThat(sale).isNotEmpty().allSatisfy(l -> assertThat(l.getString("PropertyType")).isIn(saleHomes));
        assertThat(items(p.get("/api/v1/listings?limit=100&market=sale")))
                .allSatisfy(l -> assertThat(l.getString("PropertyType")).isIn(saleHomes));
        List<JsonObject> rent = items(p.get("/api/v1/listings?limit=100&market=rent"));
        assertThat(rent).isNotEmpty().allSatisfy(l -> assertThat(l.getString("PropertyType")).isEqualTo("ResidentialLease"));
        assertThat(items(p.get("/api/v1/listings?limit=100&type=Land")))
                .allSatisfy(l -> assertThat(l.getString("PropertyType")).isEqualTo("Land"));
        assertThat(items(p.get("/api/v1/listings?limit=100&market=rent&type=CommercialLease")))
                .allSatisfy(l -> assertThat(l.getString("PropertyType")).isEqualTo("CommercialLease"));

        assertProblem(p.get("/api/v1/listings?market=lease"), 400, "market");
        assertProblem(p.get("/api/v1/listings?market="), 400, "market");
        assertProblem(p.get("/api/v1/listings?market=sale&market=rent"), 400, "market");
        assertProblem(p.get("/api/v1/listings?market=sale&type=ResidentialLease"), 400, "type");
        assertProblem(p.get("/api/v1/listings?market=rent&type=Residential"), 400, "type");
        Map<String, String> next = Map.of("cursor", new JsonObject(p.get("/api/v1/listings?limit=1&market=rent").body()).getString("next"));
        assertThat(p.get("/api/v1/listings?limit=1&market=rent&cursor=" + ApiIntegrationTest.enc(next.get("cursor"))).statusCode())
                .isEqualTo(200);
    }
}
