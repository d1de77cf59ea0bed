package io.hexproperty.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Run comparison and the percentile labels of the result file and charts. */
@Unit
class ReportPartsTest {

    @Test
    void comparisonFlagsLatencyRateAndErrorRegressionsOnly() {
        JsonObject prev = new JsonObject()
                .put("latencyMs", new JsonObject().put("p50", 2.0).put("p99", 10.0).put("p99.9", 20.0).put("max", 50.0))
                .put("requests", new JsonObject().put("achievedRate", 100.0).put("errorRate", 0.0));
        JsonObject same = prev.copy();
        same.getJsonObject("latencyMs").put("p50", 2.5);
        assertThat(Comparison.of(prev, same, 0.10).regressed()).as("0.5 ms is under the noise floor").isFalse();
        JsonObject worse = prev.copy();
        worse.getJsonObject("latencyMs").put("p99", 15.0);
        worse.getJsonObject("requests").put("achievedRate", 80.0).put("errorRate", 0.01);
        Comparison c = Comparison.of(prev, worse, 0.10);
        assertThat(c.deltas()).filteredOn(Comparison.Delta::regression).extracting(Comparison.Delta::metric)
                .containsExactlyInAnyOrder("latencyMs.p99", "achievedRate", "errorRate");
    }

    @Test
    void resultJsonNamesPercentilesLikeTheThresholds() {
        assertThat(ResultJson.label(99.9)).isEqualTo("p99.9");
        assertThat(ResultJson.label(50)).isEqualTo("p50");
        assertThat(ChartPainter.ninesLabel(3)).isEqualTo("99.9%");
        assertThat(ChartPainter.ninesLabel(1)).isEqualTo("90%");
        assertThat(Chart.nines(99)).isCloseTo(2, within(1e-9));
    }
}
