package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CDN purge against a real Varnish running deploy/varnish/hexproperty.vcl in front of a platform node
 * started with {@code --purge-url}: Varnish caches details and pages for minutes, and a change made
 * through the API is visible through Varnish as soon as the change feed has banned its keys.
 */
@Postgres
class VarnishPurgeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static TestPlatform a;
    private static Platform node;
    private static Process varnish;
    private static Path workDir;
    private static String varnishUrl;
    private static String nodeUrl;

    @BeforeAll
    static void start() throws Exception {
        Path varnishd = findVarnishd();
        if (varnishd == null) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("varnishd is required in CI: apt-get install varnish");
            }
            Assumptions.abort("varnishd not found (apt-get install varnish): Varnish purge test skipped");
        }
        a = TestPlatform.get();
        workDir = Files.createTempDirectory("hexproperty-varnish");
        // The port is chosen before varnishd binds it: another server of the suite can take it in between, and then
        // varnishd exits while that server answers the health probe. So: the answer must come from Varnish
        // (X-Varnish), and a varnishd that died is started again on another port.
        for (int attempt = 1; varnish == null; attempt++) {
            int varnishPort = freePort();
            varnishUrl = "http://127.0.0.1:" + varnishPort;
            if (node != null) { // its purge URL names the port of the varnishd that died
                node.close();
            }
            node = a.startNode(q -> q, c -> c.withCaches(c.caches().withPurgeUrls(List.of(URI.create(varnishUrl + "/")))));
            nodeUrl = "http://127.0.0.1:" + node.port();
            Process started = startVarnishd(varnishd, varnishPort, attempt);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> !started.isAlive()
                            || get(varnishUrl + "/health/live").headers().firstValue("X-Varnish").isPresent());
            if (started.isAlive()) {
                varnish = started;
            } else if (attempt == 3) {
                throw new IllegalStateException("varnishd exited three times; last log: "
                        + Files.readString(workDir.resolve("varnishd-" + attempt + ".log")));
            }
        }
    }

    private static Process startVarnishd(Path varnishd, int varnishPort, int attempt) throws IOException {
        String vcl = Files.readString(repoFile("deploy/varnish/hexproperty.vcl"))
                .replace(".port = \"8080\";", ".port = \"" + node.port() + "\";");
        assertThat(vcl).contains(".port = \"" + node.port() + "\";");
        Path vclFile = workDir.resolve("hexproperty-" + attempt + ".vcl");
        Files.writeString(vclFile, vcl);
        Process process = new ProcessBuilder(varnishd.toString(), "-F", "-j", "none", "-n", workDir.resolve("n" + attempt).toString(),
                "-a", "127.0.0.1:" + varnishPort, "-T", "none", "-f", vclFile.toAbsolutePath().toString(),
                "-s", "malloc,64m")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("varnishd-" + attempt + ".log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        return process;
    }

    @AfterAll
    static void stop() throws Exception {
        if (varnish != null) {
            varnish.destroy();
            varnish.waitFor(10, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aPatchedListingIsFreshThroughVarnishRightAfterTheBan() throws Exception {
        List<String> keys = ApiIntegrationTest.items(a.get("/api/v1/listings?limit=20&sort=price_asc&minPrice=1"))
                .stream().map(j -> j.getString("ListingKey")).toList();
        SplittableRandom random = new SplittableRandom(5);
        List<Long> micros = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            String key = keys.get(round % keys.size());
            String url = varnishUrl + "/api/v1/listings/" + key;
            get(url);
            HttpResponse<String> cached = get(url);
            assertThat(cached.headers().firstValue("X-Cache")).as("second read is a Varnish hit").contains("HIT");
            assertThat(cached.headers().firstValue("Surrogate-Key").orElseThrow()).contains("listing:" + key);
            long before = new JsonObject(cached.body()).getLong("version");

            HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create(nodeUrl + "/api/v1/listings/" + key))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ListPrice\":" + random.nextInt(100_000, 900_000) + "}"))
                    .header("Authorization", "Bearer " + a.brokerToken).header("Content-Type", "application/json"));
            long patchedAt = System.nanoTime();
            assertThat(patched.statusCode()).isEqualTo(200);
            long expected = new JsonObject(patched.body()).getLong("version");
            assertThat(expected).isEqualTo(before + 1);

            await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> new JsonObject(get(url).body()).getLong("version") == expected);
            micros.add((System.nanoTime() - patchedAt) / 1_000);
        }
        Collections.sort(micros);
        System.out.printf("varnish purge-to-fresh over %d PATCHes: p50 %.1f ms, p90 %.1f ms, max %.1f ms%n", micros.size(),
                micros.get(micros.size() / 2) / 1e3, micros.get(micros.size() * 9 / 10) / 1e3, micros.getLast() / 1e3);
        assertThat(node.metrics().registry().find("cdn.purge.requests").tag("result", "ok").counter().count())
                .isGreaterThan(0);
    }

    @Test
    void aCitySearchPageIsBannedWhenAListingOfTheCityChanges() throws Exception {
        JsonObject listing = ApiIntegrationTest.items(a.get("/api/v1/listings?limit=1&sort=price_desc")).getFirst();
        String city = listing.getString("City");
        String state = listing.getString("StateOrProvince");
        String page = varnishUrl + "/api/v1/listings?city=" + java.net.URLEncoder.encode(city, java.nio.charset.StandardCharsets.UTF_8)
                + "&state=" + state + "&limit=1&sort=price_desc";
        get(page);
        assertThat(get(page).headers().firstValue("X-Cache")).contains("HIT");

        long price = listing.getNumber("ListPrice").longValue() + 1_000;
        HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create(nodeUrl + "/api/v1/listings/" + listing.getString("ListingKey")))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ListPrice\":" + price + "}"))
                .header("Authorization", "Bearer " + a.brokerToken).header("Content-Type", "application/json"));
        assertThat(patched.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> ApiIntegrationTest.items(get(page)).getFirst().getNumber("ListPrice").longValue() == price);
    }

    private static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path findVarnishd() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "varnishd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path repoFile(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(relative))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve(relative);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
