package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The worker dashboard's cluster object, from {@code GET /admin/cluster} answers. */
@Unit
class ClusterPanelTest {
    private static JsonObject worker(String id, String state) {
        return new JsonObject().put("id", id).put("state", state);
    }

    private static JsonObject decision(int current, int desired, String reason) {
        return new JsonObject().put("at", "2026-12-03T19:00:00Z").put("current", current).put("desired", desired)
                .put("rule", "p99").put("reason", reason).put("refused", false);
    }

    @Test
    void readyWorkersAreUpAndCurrentOnesAreAllButStandbys() {
        JsonObject admin = new JsonObject().put("balancer", "peak-ewma").put("workers", new JsonArray()
                .add(worker("worker-1", "up")).add(worker("worker-2", "starting")).add(worker("worker-3", "draining"))
                .add(worker("worker-4", "standby")).add(worker("worker-5", "up")));

        JsonObject panel = ClusterPanel.panel(admin);

        assertThat(panel.getInteger("ready")).isEqualTo(2);
        assertThat(panel.getInteger("current")).isEqualTo(4);
        assertThat(panel.getString("balancer")).isEqualTo("peak-ewma");
    }

    @Test
    void withoutAnAutoscalerTheClusterIsFixedAtItsCurrentCount() {
        JsonObject admin = new JsonObject().put("workers", new JsonArray().add(worker("worker-1", "up")).add(worker("worker-2", "up")));

        JsonObject panel = ClusterPanel.panel(admin);

        assertThat(panel.getString("policy")).isEqualTo("fixed (no autoscaler)");
        assertThat(panel.getInteger("minWorkers")).isEqualTo(2);
        assertThat(panel.getInteger("maxWorkers")).isEqualTo(2);
        assertThat(panel.getInteger("desired")).isEqualTo(2);
        assertThat(panel.getJsonArray("decisions")).isEmpty();
        assertThat(panel.containsKey("vertical")).isFalse();
    }

    @Test
    void theAutoscalersNewestDecisionsComeFirstAndAreCapped() {
        JsonArray recent = new JsonArray();
        for (int i = 1; i <= 15; i++) {
            recent.add(decision(i, i + 1, "step " + i));
        }
        JsonObject admin = new JsonObject().put("workers", new JsonArray().add(worker("worker-1", "up")))
                .put("autoscaler", new JsonObject().put("policy", "predictive").put("minWorkers", 1).put("maxWorkers", 4)
                        .put("desired", 3).put("held", false).put("failedActions", 0).put("recentDecisions", recent))
                .put("vertical", new JsonObject().put("changed", false));

        JsonObject panel = ClusterPanel.panel(admin);

        assertThat(panel.getString("policy")).isEqualTo("predictive");
        assertThat(panel.getInteger("maxWorkers")).isEqualTo(4);
        assertThat(panel.getInteger("desired")).isEqualTo(3);
        JsonArray decisions = panel.getJsonArray("decisions");
        assertThat(decisions).hasSize(ClusterPanel.DECISIONS);
        assertThat(decisions.getJsonObject(0).getString("reason")).isEqualTo("step 15");
        assertThat(decisions.getJsonObject(ClusterPanel.DECISIONS - 1).getString("reason")).isEqualTo("step 6");
        assertThat(panel.getJsonObject("vertical").getBoolean("changed")).isFalse();
    }

    @Test
    void theHistoryKeepsTheNewestCountsOnly() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (ClusterPanel panel = ClusterPanel.start(vertx, java.net.URI.create("http://127.0.0.1:9/admin/cluster"), "t".repeat(16))) {
            for (int i = 0; i < ClusterPanel.HISTORY + 20; i++) {
                JsonArray workers = new JsonArray();
                for (int w = 0; w <= i % 3; w++) {
                    workers.add(worker("worker-" + w, "up"));
                }
                panel.accept(new JsonObject().put("workers", workers), 1_000L * i);
            }
            JsonObject point = new JsonObject(panel.merge(new JsonObject().put("at", 1).encode()));
            JsonObject history = point.getJsonObject("cluster").getJsonObject("history");
            assertThat(history.getJsonArray("at")).hasSize(ClusterPanel.HISTORY);
            assertThat(history.getJsonArray("at").getLong(0)).isEqualTo(20_000L);
            assertThat(history.getJsonArray("current").getInteger(ClusterPanel.HISTORY - 1)).isEqualTo((ClusterPanel.HISTORY + 19) % 3 + 1);
            assertThat(point.getLong("at")).as("the worker's own point is kept").isEqualTo(1);
        } finally {
            vertx.close();
        }
    }

    @Test
    void aGatewayThatCannotBeReadIsShownAsAnErrorWithoutCounts() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (ClusterPanel panel = ClusterPanel.start(vertx, java.net.URI.create("http://127.0.0.1:9/admin/cluster"), "t".repeat(16))) {
            String point = new JsonObject().put("at", 1).encode();
            // port 9 refuses: after the first failed read the point carries the error, and no counts
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> !panel.merge(point).equals(point));
            JsonObject cluster = new JsonObject(panel.merge(point)).getJsonObject("cluster");
            assertThat(cluster.getString("error")).startsWith("gateway unreachable");
            assertThat(cluster.containsKey("current")).isFalse();
            assertThat(panel.merge(null)).isNull();
        } finally {
            vertx.close();
        }
    }
}
