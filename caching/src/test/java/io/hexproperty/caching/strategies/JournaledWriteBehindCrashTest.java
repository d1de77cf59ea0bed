package io.hexproperty.caching.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.KeyCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a run loses no acknowledged increment and double-counts nothing: a child JVM
 * increments counters (flushing every 20 ms or 500 increments to an id-recording sink) and is killed with
 * SIGKILL; this JVM then opens the same journal, which replays and flushes what the child left.
 */
@Unit
class JournaledWriteBehindCrashTest {

    private static final int THREADS = 4;

    @Test
    void killMinusNineLosesNoAcknowledgedIncrement(@TempDir Path dir) throws Exception {
        Path journal = dir.resolve("journal");
        Path sinkDir = dir.resolve("sink");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WriteBehindCrashChild.class.getName(), journal.toString(), sinkDir.toString(), String.valueOf(THREADS))
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        // watchdog, so a child that never gets going cannot hang the build; the kill check below then fails
        CompletableFuture.delayedExecutor(3, TimeUnit.MINUTES).execute(() -> child.toHandle().destroyForcibly());
        Map<String, Long> acked = new HashMap<>();
        long ackCount = 0;
        boolean killed = false;
        DirectoryBatchSink sink = new DirectoryBatchSink(sinkDir);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK listing-") && line.length() > "ACK listing-".length()) {
                    acked.merge(line.substring(4), 1L, Long::sum);
                    ackCount++;
                }
                // kill mid-run: after enough acks and after the sink has received some flushed batches
                if (!killed && ackCount >= 20_000 && ackCount % 500 == 0 && sink.batches() >= 3) {
                    // SIGKILL; through the handle, because Process.destroyForcibly also closes our end of
                    // the pipe and the acks still buffered in it would be lost to the count
                    child.toHandle().destroyForcibly();
                    killed = true;
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(killed).as("child was killed mid-run; stderr in " + dir.resolve("child.err")).isTrue();
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        long flushedBeforeCrash = sink.batches();
        assertThat(segments(journal)).as("the crash left unflushed segments").isNotEmpty();

        try (WriteBehind<String> reopened = WriteStrategy.writeBehind(WriteBehindConfig.defaults(journal, "crash"),
                KeyCodec.utf8(), sink)) {
            reopened.flush().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(reopened.pendingIncrements()).isZero();
        }

        Map<String, Long> counted = sink.totals();
        long countedSum = counted.values().stream().mapToLong(Long::longValue).sum();
        for (var e : acked.entrySet()) {
            assertThat(counted.getOrDefault(e.getKey(), 0L)).as("counter %s", e.getKey()).isGreaterThanOrEqualTo(e.getValue());
        }
        // at most one journaled-but-unprinted increment per child thread
        assertThat(countedSum).isBetween(ackCount, ackCount + THREADS);
        assertThat(sink.batches()).isGreaterThan(flushedBeforeCrash);
        assertThat(segments(journal)).as("flushed segments are deleted").hasSize(0);
    }

    private static List<Path> segments(Path journal) throws Exception {
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-"))
                    .filter(p -> p.toFile().length() > JournalSegment.HEADER_BYTES).toList();
        }
    }
}
