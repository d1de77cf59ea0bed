package io.hexproperty.seed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

@Unit
class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void logOutputIsPlainLinesEveryFewSeconds() {
        SeedProgress progress = SeedProgress.console(out, false, nanos::get);
        progress.onProgress(SeedPhase.COPY, 0, 1_000_000);
        for (int second = 1; second <= 20; second++) {
            nanos.set(second * 1_000_000_000L);
            progress.onProgress(SeedPhase.COPY, second * 50_000L, 1_000_000);
        }
        progress.onProgress(SeedPhase.INDEX, 0, 11);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        String[] lines = text.split("\n");
        // Start, seconds 5, 10, 15, the finished line at 20, and the start of the next phase.
        assertThat(lines).hasSize(6);
        assertThat(lines[1]).contains("25.0%", "250,000/1,000,000 rows", "50,000 rows/s", "ETA 0:15");
        assertThat(lines[4]).contains("100.0%", "done in 0:20");
        assertThat(lines[5]).startsWith("index").contains("0/11 indexes");
    }

    @Test
    void terminalOutputRedrawsOneLineAndEndsItWhenThePhaseIsDone() {
        SeedProgress progress = SeedProgress.console(out, true, nanos::get);
        progress.onProgress(SeedPhase.COPY, 0, 100);
        nanos.set(50_000_000L);
        progress.onProgress(SeedPhase.COPY, 10, 100); // within 100 ms of the last draw: skipped
        nanos.set(200_000_000L);
        progress.onProgress(SeedPhase.COPY, 40, 100);
        nanos.set(400_000_000L);
        progress.onProgress(SeedPhase.COPY, 100, 100);
        progress.onProgress(SeedPhase.ANALYZE, 0, 2);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text.split("\r", -1)).hasSize(5);
        assertThat(text).doesNotContain("10/100").contains("40/100", "200 rows/s");
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0].strip()).endsWith("done in 0:00");
        assertThat(text).doesNotEndWith("\n");
    }
}
