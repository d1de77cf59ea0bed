package io.hexproperty.database.ops.slowqueries;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One captured slow statement.
 *
 * @param source   "store" (timed by the application, plan with the statement's own parameters) or
 *                 "pg_stat_statements" (server statistics; plan generic when the text has parameters)
 * @param tookMs   the observed time (store) or the maximum time (pg_stat_statements)
 * @param analyzed true when the plan is from EXPLAIN (ANALYZE, BUFFERS), i.e. the statement ran again
 */
public record SlowQuerySample(Instant capturedAt, String source, String sql, List<String> params, double tookMs,
                              boolean analyzed, String plan) {
    public SlowQuerySample {
        params = List.copyOf(params);
    }

    JsonObject toJson() {
        return new JsonObject().put("capturedAt", capturedAt.toString()).put("source", source).put("sql", sql)
                .put("params", new JsonArray(params)).put("tookMs", tookMs).put("analyzed", analyzed).put("plan", plan);
    }
}
