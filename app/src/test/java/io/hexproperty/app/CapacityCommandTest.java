package io.hexproperty.app;

import io.hexproperty.testing.lane.Unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Unit
class CapacityCommandTest {
    private static JsonObject result(boolean broken, Double atBreak, Double xMax, double... throughputs) {
        JsonArray points = new JsonArray();
        for (double x : throughputs) {
            points.add(new JsonObject().put("throughput", x));
        }
        JsonObject capacity = new JsonObject().put("points", points);
        if (xMax != null) {
            capacity.put("usl", new JsonObject().put("xMax", xMax));
        }
        return new JsonObject().put("breakpoint", new JsonObject().put("broken", broken).put("rateAtBreak", atBreak))
                .put("capacity", capacity);
    }

    @Test
    void nodesFromTheBreakRateLessHeadroom() {
        var plan = CapacityCommand.plan(result(true, 4000.0, 5000.0, 1000, 2000, 3900), 10_000, 0.3);
        assertThat(plan.safeRate()).isEqualTo(2800.0);
        assertThat(plan.nodes()).isEqualTo(4); // 10,000 / 2,800 = 3.6
    }

    @Test
    void theUslPeakCapsABreakAboveIt() {
        var plan = CapacityCommand.plan(result(true, 6000.0, 5000.0, 1000, 2000), 10_000, 0.0);
        assertThat(plan.safeRate()).isEqualTo(5000.0);
        assertThat(plan.nodes()).isEqualTo(2);
    }

    @Test
    void anUnbrokenRunGivesALowerBoundFromWhatCompleted() {
        var plan = CapacityCommand.plan(result(false, null, null, 1000, 2500, 2400), 5000, 0.5);
        assertThat(plan.perNodeRate()).isEqualTo(2500.0);
        assertThat(plan.basis()).contains("lower bound");
        assertThat(plan.nodes()).isEqualTo(4);
    }

    @Test
    void theCommandReadsAResultFileAndRejectsOthers(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("result.json");
        Files.writeString(good, result(true, 4000.0, 5000.0, 1000).encode());
        assertThat(Main.run("capacity", "--from", good.toString(), "--target-rate", "10000")).isZero();
        Path bad = dir.resolve("smoke.json");
        Files.writeString(bad, "{\"summary\":{}}");
        assertThat(Main.run("capacity", "--from", bad.toString(), "--target-rate", "10000")).isEqualTo(2);
        assertThat(Main.run("capacity", "--from", good.toString(), "--target-rate", "-1")).isEqualTo(2);
    }
}
