package io.hexproperty.loadtest.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.loadtest.StubServer;
import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.analysis.Threshold;
import io.hexproperty.loadtest.workload.ArrivalSchedule;
import io.hexproperty.loadtest.workload.Mix;
import io.hexproperty.loadtest.workload.Profile;
import io.hexproperty.loadtest.workload.RequestKind;
import io.hexproperty.testing.lane.Timing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every intended start ends up somewhere: completed, failed (timeout) or dropped; none vanish. */
@Timing
class OverloadAccountingTest {

    @Test
    void timeoutsAndDroppedStartsAreCountedAsErrorsNotLost(@TempDir Path dir) {
        // The stub answers nothing during the first 1.5 s of every 2 s.
        try (StubServer stub = new StubServer(0, new StubServer.Stall(2_000, 0, 1_500), null)) {
            Profile.Plan plan = new Profile.Plan(Profile.SMOKE, ArrivalSchedule.constant(40, Duration.ofSeconds(3)), List.of(), false);
            EngineConfig engine = new EngineConfig(4, 10, Duration.ofMillis(300), Duration.ofMillis(10), 1, 1);
            LoadtestConfig config = LoadtestConfig.of(stub.url() + "/", plan, dir).withMix(Mix.only(RequestKind.TARGET))
                    .withEngine(engine).withThresholds(Threshold.parseAll("errors<1%"), Duration.ofSeconds(1), false);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            RunResult r = new LoadRun(config, new PrintStream(console, true, StandardCharsets.UTF_8)).execute();
            String text = console.toString(StandardCharsets.UTF_8);

            Tally t = r.total();
            assertThat(t.sent + t.dropped).as(text).isEqualTo(120);
            assertThat(t.completed).as("every issued request completes or fails").isEqualTo(t.sent);
            assertThat(r.timeouts()).as(text).isPositive();
            assertThat(t.dropped).as(text).isPositive();
            assertThat(t.errors).isEqualTo(r.timeouts() + r.connectionErrors());
            assertThat(t.errorRate()).isEqualTo((double) (t.errors + t.dropped) / (t.completed + t.dropped));
            assertThat(r.thresholdsBreached()).isTrue();
            // A timed-out request's latency is at least the timeout, from its intended start.
            assertThat(t.latency.getMaxValue()).isGreaterThanOrEqualTo(300_000);
        }
    }
}
