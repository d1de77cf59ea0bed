package io.hexproperty.database.ops.slowqueries;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Several samplers (one per shard, each observing its own shard's stores) seen as one: samples
 * merged newest first, statistics captured on every shard, closed together. It observes nothing
 * itself: statements reach the part of the shard that ran them.
 */
final class MergedSlowQuerySampler implements SlowQuerySampler {
    private final List<SlowQuerySampler> parts;
    private final SlowQueryConfig config;

    MergedSlowQuerySampler(List<SlowQuerySampler> parts, SlowQueryConfig config) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no samplers to merge");
        }
        this.parts = List.copyOf(parts);
        this.config = config;
    }

    @Override
    public void observe(String sql, Tuple params, long nanos) {
        // Statements are observed by the part on the shard that ran them.
    }

    @Override
    public int captureFromStatistics() throws SQLException {
        int captured = 0;
        for (SlowQuerySampler part : parts) {
            captured += part.captureFromStatistics();
        }
        return captured;
    }

    @Override
    public List<SlowQuerySample> recent() {
        List<SlowQuerySample> all = new ArrayList<>();
        parts.forEach(p -> all.addAll(p.recent()));
        all.sort(Comparator.comparing(SlowQuerySample::capturedAt).reversed());
        return List.copyOf(all.subList(0, Math.min(all.size(), config.keep())));
    }

    @Override
    public String json() {
        JsonArray list = new JsonArray();
        recent().forEach(s -> list.add(s.toJson()));
        return new JsonObject().put("thresholdMs", config.threshold().toMillis()).put("samples", list).encode();
    }

    @Override
    public void drain() throws InterruptedException {
        for (SlowQuerySampler part : parts) {
            part.drain();
        }
    }

    @Override
    public void close() {
        parts.forEach(SlowQuerySampler::close);
    }
}
