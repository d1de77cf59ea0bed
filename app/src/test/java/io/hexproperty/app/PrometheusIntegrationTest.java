package io.hexproperty.app;

import io.hexproperty.testing.lane.Postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus and deploy/grafana against the real tools: promtool checks and unit-tests the
 * rules, and a real Prometheus (Debian's package) scrapes a running node's management port and
 * evaluates every alert expression (without its threshold) and every dashboard query: each returns data.
 */
@Postgres
class PrometheusIntegrationTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Pattern ALERT = Pattern.compile("- alert: (\\S+)\\n\\s+expr: [|]?\\s*([\\s\\S]*?)\\n\\s+for:");
    private static final Pattern THRESHOLD = Pattern.compile("\\s*[<>]\\s*[0-9.]+\\s*$");

    private static Path tool(String name) {
        Path path = Path.of("/usr/bin", name);
        Assumptions.assumeTrue(Files.isExecutable(path), name + " is not installed (apt-get install prometheus)");
        return path;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    @Test
    void promtoolChecksAndUnitTestsTheRules() throws Exception {
        Path promtool = tool("promtool");
        Path dir = DEPLOY.resolve("prometheus");
        assertThat(run(dir, promtool.toString(), "check", "rules", "alerts.yml")).contains("SUCCESS: 6 rules found");
        assertThat(run(dir, promtool.toString(), "test", "rules", "alerts.test.yml")).contains("SUCCESS");
        assertThat(run(dir, promtool.toString(), "check", "config", "prometheus.yml")).contains("SUCCESS");
    }

    /** Every alert expression without its threshold, and every dashboard query, by a readable name. */
    static Map<String, String> queries() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        Matcher m = ALERT.matcher(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        while (m.find()) {
            queries.put("alert " + m.group(1), THRESHOLD.matcher(m.group(2).strip()).replaceAll(""));
        }
        JsonObject dashboard = new JsonObject(Files.readString(DEPLOY.resolve("grafana/hexproperty-dashboard.json")));
        for (Object o : dashboard.getJsonArray("panels")) {
            JsonObject panel = (JsonObject) o;
            if (panel.getString("description", "").startsWith("Only with replicas")) {
                continue; // this node has none; the panel says so
            }
            for (Object t : panel.getJsonArray("targets")) {
                JsonObject target = (JsonObject) t;
                queries.put("panel " + panel.getString("title") + " " + target.getString("refId"), target.getString("expr"));
            }
        }
        return queries;
    }

    @Test
    void aRealPrometheusScrapesANodeAndEveryAlertAndDashboardQueryReturnsData() throws Exception {
        Path prometheus = tool("prometheus");
        TestPlatform p = TestPlatform.get();
        Path dir = Files.createTempDirectory("hexproperty-prometheus");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: hexproperty
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(DEPLOY.resolve("prometheus/alerts.yml"), p.platform.managementPort()));
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        String api = "http://127.0.0.1:" + port + "/api/v1/";
        try {
            Map<String, String> queries = queries();
            assertThat(queries).hasSizeGreaterThan(20);
            List<String> missing = new ArrayList<>(queries.keySet());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                traffic(p);
                missing.removeIf(name -> hasData(p, api, queries.get(name)));
                assertThat(missing).as("queries without data; Prometheus log in " + dir).isEmpty();
            });
            JsonObject rules = get(p, api + "rules");
            JsonArray groups = rules.getJsonObject("data").getJsonArray("groups");
            assertThat(groups.getJsonObject(0).getJsonArray("rules")).hasSize(6)
                    .allSatisfy(r -> assertThat(((JsonObject) r).getString("health")).isEqualTo("ok"));
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static boolean hasData(TestPlatform p, String api, String query) {
        JsonObject r = get(p, api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertThat(r.getString("status")).as(query + ": " + r.encode()).isEqualTo("success");
        return !r.getJsonObject("data").getJsonArray("result").isEmpty();
    }

    private static JsonObject get(TestPlatform p, String url) {
        HttpResponse<String> r = p.send(HttpRequest.newBuilder(URI.create(url)).GET());
        return new JsonObject(r.body());
    }

    /** Reads, a listing write, an inquiry and a RUM beacon: every family the queries read has series. */
    private static void traffic(TestPlatform p) {
        var items = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=3&sort=price_asc"));
        String key = items.getLast().getString("ListingKey");
        for (int i = 0; i < 5; i++) {
            p.get("/api/v1/listings/" + key);
            p.get("/api/v1/listings?limit=5&minBeds=" + (i + 1));
        }
        p.send("PATCH", "/api/v1/listings/" + key, "{\"PhotosCount\":" + (3 + (int) (System.nanoTime() % 5)) + "}",
                "Authorization", "Bearer " + p.brokerToken, "Content-Type", "application/json");
        p.send("POST", "/api/v1/inquiries", new JsonObject().put("ListingKey", key).put("name", "Prometheus Test")
                .put("email", "p@example.com").put("message", "Is it available?").encode(), "Content-Type", "application/json");
        p.send("POST", "/rum", "{\"v\":1,\"sid\":\"" + Long.toHexString(System.nanoTime()) + "0000000000000000\",\"t\":\"search\","
                + "\"views\":2,\"duration\":4000,\"m\":{\"LCP\":900,\"INP\":40,\"CLS\":0.01,\"TTFB\":30}}",
                "Content-Type", "text/plain");
    }
}
