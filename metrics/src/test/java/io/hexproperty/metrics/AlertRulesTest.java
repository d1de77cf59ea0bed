package io.hexproperty.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AlertRulesTest {
    private final AtomicLong nanos = new AtomicLong();
    private volatile double value = Double.NaN;

    private AlertRules rules(URI webhook) {
        return new AlertRules(List.of(new AlertRules.Rule("TestHigh", "page", "too high", () -> value, true, 1.0,
                Duration.ofMinutes(2))), nanos::get, () -> Instant.ofEpochSecond(nanos.get() / 1_000_000_000L), webhook);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void pendingThenFiringAfterTheForDurationThenResolvedWithWebhookNotifications() throws Exception {
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            AlertRules rules = rules(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"));
            rules.evaluate();
            assertThat(rules.state("TestHigh")).as("no data never fires").isEqualTo(AlertRules.State.inactive);
            value = 5;
            rules.evaluate();
            assertThat(rules.state("TestHigh")).isEqualTo(AlertRules.State.pending);
            advance(Duration.ofSeconds(119));
            rules.evaluate();
            assertThat(rules.state("TestHigh")).isEqualTo(AlertRules.State.pending);
            advance(Duration.ofSeconds(1));
            rules.evaluate();
            assertThat(rules.state("TestHigh")).isEqualTo(AlertRules.State.firing);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.getFirst().getString("status")).isEqualTo("firing");
            assertThat(received.getFirst().getJsonArray("alerts").getJsonObject(0).getJsonObject("labels")
                    .getString("alertname")).isEqualTo("TestHigh");
            assertThat(rules.json().getJsonObject(0).getString("state")).isEqualTo("firing");

            value = 0.5;
            rules.evaluate();
            assertThat(rules.state("TestHigh")).isEqualTo(AlertRules.State.inactive);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
            assertThat(received.get(1).getString("status")).isEqualTo("resolved");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aConditionThatStopsHoldingWhilePendingNeverFires() {
        AlertRules rules = rules(null);
        value = 5;
        rules.evaluate();
        advance(Duration.ofSeconds(90));
        value = 0;
        rules.evaluate();
        value = 5;
        advance(Duration.ofSeconds(60));
        rules.evaluate();
        assertThat(rules.state("TestHigh")).as("the for-duration restarts").isEqualTo(AlertRules.State.pending);
    }

    @Test
    void theInProcessRulesAreThePrometheusRules() throws Exception {
        String yaml = Files.readString(Path.of("..", "deploy", "prometheus", "alerts.yml"));
        MetricsRegistry metrics = new MetricsRegistry("test");
        var window = new TrafficWindow(metrics.registry(), MetricsConfig.defaults(),
                new TrafficWindow.CostMeter(metrics.registry(), MetricsConfig.defaults(), () -> 0, () -> 0), System::nanoTime);
        List<AlertRules.Rule> standard = AlertRules.standard(window, metrics.registry());
        Matcher m = Pattern.compile("- alert: (\\S+)\\n\\s+expr: [|]?\\s*([\\s\\S]*?)\\n\\s+for: (\\d+)m\\n\\s+labels:\\n\\s+severity: (\\S+)")
                .matcher(yaml);
        int found = 0;
        while (m.find()) {
            found++;
            String name = m.group(1);
            AlertRules.Rule rule = standard.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(
                    () -> new AssertionError(name + " is in alerts.yml but not evaluated in-process"));
            assertThat(rule.forDuration()).as(name).isEqualTo(Duration.ofMinutes(Long.parseLong(m.group(3))));
            assertThat(rule.severity()).as(name).isEqualTo(m.group(4));
            String expr = m.group(2).strip();
            String comparison = (rule.above() ? "> " : "< ") + number(rule.threshold());
            assertThat(expr).as(name).endsWith(comparison);
        }
        assertThat(found).isEqualTo(standard.size());
        metrics.close();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
