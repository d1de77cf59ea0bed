package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Postgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hexproperty loadtest --profile smoke} against the real platform: short, bounded, loopback only. */
@Postgres
class LoadtestSmokeTest {

    @Test
    void smokeProfileRunsAgainstServeAndWritesItsReports(@TempDir Path out) throws Exception {
        TestPlatform p = TestPlatform.get();
        int exit = Main.run("loadtest", "--profile", "smoke", "--target", p.baseUrl, "--rate", "20",
                "--duration", "6s", "--token", p.brokerToken, "--slo", "errors<1%", "--out", out.toString());
        assertThat(exit).isZero();
        assertThat(out.resolve("result.json")).exists();
        assertThat(out.resolve("report.html")).exists();
        assertThat(out.resolve("latency.hlog")).exists();
        JsonObject result = new JsonObject(Files.readString(out.resolve("result.json")));
        assertThat(result.encode()).contains("p99");
        try (var files = Files.list(out)) {
            assertThat(files.filter(f -> f.toString().endsWith(".png")).count()).isGreaterThan(0);
        }
    }
}
