package io.hexproperty.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.loadtest.analysis.SpikeRecovery;
import io.hexproperty.loadtest.engine.LoadtestConfig;
import io.hexproperty.loadtest.workload.Mix;
import io.hexproperty.loadtest.workload.Profile;
import io.hexproperty.loadtest.workload.RequestKind;
import io.hexproperty.testing.lane.Timing;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short spike against a server of known capacity (200/s): the spike queues, p99 jumps, then recovers. */
@Timing
class SpikeRunTest {

    @Test
    void spikeRaisesP99AndTheRunReportsTheRecovery(@TempDir Path dir) {
        try (StubServer stub = new StubServer(0, null, new StubServer.Capacity(4, 20))) {
            Profile.Plan plan = Profile.SPIKE.plan(40, Duration.ofSeconds(14), 6, 0, 0);
            LoadtestConfig config = LoadtestConfig.of(stub.url() + "/", plan, dir).withMix(Mix.only(RequestKind.TARGET));
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            LoadtestCommand.Outcome outcome =
                    LoadtestCommand.run(config, new PrintStream(console, true, StandardCharsets.UTF_8), null, 0.1);
            String text = console.toString(StandardCharsets.UTF_8);
            System.out.println(text);

            SpikeRecovery spike = outcome.result().spike();
            assertThat(spike.spikeP99Micros()).as(text).isGreaterThan(2 * spike.baselineP99Micros());
            assertThat(spike.recoverySeconds()).as(text).isNotNaN().isLessThan(14 - spike.spikeEnd());
            JsonObject json = outcome.json().getJsonObject("spike");
            assertThat(json.getBoolean("recovered")).isTrue();
            assertThat(json.getDouble("spikeP99Ms")).isGreaterThan(json.getDouble("baselineP99Ms"));
            assertThat(text).contains("spike      baseline p99");
        }
    }
}
