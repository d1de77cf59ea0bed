package io.hexproperty.app;

import io.hexproperty.testing.lane.Postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The /metrics exposition of a running node, checked as a platform team would: Prometheus's own
 * linter, a HELP for every family, a bounded number of buckets and series whatever clients send.
 */
@Postgres
class MetricsHygieneTest {
    private static TestPlatform p;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        // Traffic on the usual routes, so histograms, statements and cache meters have series.
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=3")).getFirst().getString("ListingKey");
        p.get("/api/v1/listings/" + key);
        p.get("/api/v1/listings/" + key);
        p.get("/");
        p.get("/no/such/page");
    }

    static String scrape() {
        return p.management("/metrics").body();
    }

    @Test
    void promtoolFindsNoProblem() throws Exception {
        Path promtool = Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus)");
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(scrape().getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics output").isBlank();
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void everyFamilyHasHelp() {
        String metrics = scrape();
        Set<String> families = metrics.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2])
                .collect(Collectors.toSet());
        assertThat(families).hasSizeGreaterThan(40);
        for (String family : families) {
            assertThat(metrics.lines().anyMatch(l -> l.startsWith("# HELP " + family + " ") && l.length() > 8 + family.length() + 3))
                    .as("HELP for %s", family).isTrue();
        }
    }

    @Test
    void histogramsHaveAtMostFifteenBucketsPerSeries() {
        Map<String, Integer> buckets = new HashMap<>();
        scrape().lines().filter(l -> l.contains("_bucket{")).forEach(l -> {
            String series = l.substring(0, l.indexOf('{')) + l.substring(l.indexOf('{')).replaceAll("le=\"[^\"]*\",?", "");
            buckets.merge(series.substring(0, series.lastIndexOf('}') + 1), 1, Integer::sum);
        });
        assertThat(buckets).isNotEmpty();
        assertThat(buckets).allSatisfy((series, count) -> assertThat(count).as(series).isBetween(5, 16));
        assertThat(buckets.keySet()).anyMatch(s -> s.startsWith("http_server_requests_seconds_bucket"))
                .anyMatch(s -> s.startsWith("db_statement_duration_seconds_bucket"));
    }

    @Test
    void inventedMethodsAndPathsDoNotAddSeries() {
        Random random = new Random(42);
        // Warm-up with the same generator: every fixed label value these requests map to exists afterwards.
        for (int i = 0; i < 50; i++) {
            sendRandom(random);
        }
        long before = seriesCount();
        for (int i = 0; i < 1000; i++) {
            sendRandom(random);
        }
        // The end handler records after the response is sent: wait until the last request is counted.
        long requests = requestCount();
        sendRandom(random);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestCount() > requests);
        String metrics = scrape();
        assertThat(seriesCount()).as("series after 1,000 invented methods and paths").isEqualTo(before);
        assertThat(metrics).doesNotContain("XP").contains("method=\"_OTHER\"").contains("route=\"unmatched\"");
    }

    private static void sendRandom(Random random) {
        String method = "XP" + Integer.toString(random.nextInt(1_000_000), 36).toUpperCase();
        String path = "/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "/" + random.nextInt(1000);
        boolean get = random.nextInt(4) == 0;
        var builder = HttpRequest.newBuilder(URI.create(p.baseUrl + path))
                .method(get ? "GET" : method, HttpRequest.BodyPublishers.noBody());
        int status = p.send(builder).statusCode();
        assertThat(status).isBetween(400, 499);
    }

    private static long seriesCount() {
        return scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .filter(l -> l.startsWith("http_server_requests_seconds")).count();
    }

    private static long requestCount() {
        return (long) p.platform.metrics().registry().find("http.server.requests").timers().stream()
                .mapToLong(t -> t.count()).sum();
    }

    @Test
    void contextSwitchesArePerProcessCounters() {
        String metrics = scrape();
        double voluntary = value(metrics, "process_context_switches_total{", "kind=\"voluntary\"");
        // The main thread alone makes a handful; every thread of a serving JVM makes thousands.
        assertThat(voluntary).isGreaterThan(1000);
        assertThat(metrics).contains("# TYPE process_context_switches_total counter")
                .contains("# TYPE process_page_faults_total counter")
                .contains("# TYPE process_cpu_seconds_total counter");
        for (int i = 0; i < 20; i++) {
            p.get("/health/live");
        }
        assertThat(value(scrape(), "process_context_switches_total{", "kind=\"voluntary\"")).isGreaterThan(voluntary);
    }

    @Test
    void requestsAndConnectionsAreCountedByProtocol() throws Exception {
        String before = scrape();
        double requests = value(before, "http_server_protocol_requests_total{", "protocol=\"http/1.1\"");
        double connections = value(before, "http_server_protocol_connections_total{", "protocol=\"http/1.1\"");
        // A client of its own: its one keep-alive connection is new to the server.
        try (java.net.http.HttpClient own = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 5; i++) {
                var r = own.send(HttpRequest.newBuilder(URI.create(p.baseUrl + "/health/live")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                value(scrape(), "http_server_protocol_requests_total{", "protocol=\"http/1.1\"") >= requests + 5);
        String after = scrape();
        assertThat(value(after, "http_server_protocol_connections_total{", "protocol=\"http/1.1\"")).isGreaterThan(connections);
        // The node speaks cleartext HTTP/1.1 only (h2c off for the connection guard): the HTTP/2 series is there, at 0.
        assertThat(value(after, "http_server_protocol_requests_total{", "protocol=\"h2\"")).isZero();
        assertThat(after).contains("# TYPE http_server_protocol_requests_total counter")
                .contains("# TYPE http_server_protocol_connections_total counter");
    }

    static double value(String metrics, String prefix, String... labels) {
        List<String> lines = metrics.lines().filter(l -> l.startsWith(prefix))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains)).toList();
        assertThat(lines).as("%s with %s", prefix, List.of(labels)).hasSize(1);
        String line = lines.getFirst();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
