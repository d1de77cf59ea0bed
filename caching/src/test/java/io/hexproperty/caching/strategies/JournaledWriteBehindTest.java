package io.hexproperty.caching.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.strategies.WriteBehindSink.FlushBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Unit
class JournaledWriteBehindTest {

    @TempDir
    Path dir;

    /** Records batches; fails while {@code failing} is set, optionally after applying (a lost confirmation). */
    static final class RecordingSink implements WriteBehindSink<String> {
        final List<FlushBatch<String>> received = new CopyOnWriteArrayList<>();
        final Map<String, Long> applied = new HashMap<>();
        final List<String> appliedIds = new ArrayList<>();
        volatile boolean failing;
        volatile boolean applyThenFail;

        @Override
        public synchronized CompletionStage<Void> apply(FlushBatch<String> batch) {
            received.add(batch);
            if (failing && !applyThenFail) {
                return CompletableFuture.failedFuture(new IOException("sink down"));
            }
            if (!appliedIds.contains(batch.id())) {
                appliedIds.add(batch.id());
                batch.deltas().forEach((k, v) -> applied.merge(k, v, Long::sum));
            }
            return failing ? CompletableFuture.failedFuture(new IOException("confirmation lost"))
                    : CompletableFuture.completedFuture(null);
        }

        synchronized Map<String, Long> applied() {
            return Map.copyOf(applied);
        }
    }

    private WriteBehindConfig config() {
        // interval long enough that only explicit or size-triggered flushes happen in these tests
        return WriteBehindConfig.defaults(dir, "node-1").withFlush(Duration.ofHours(1), 1_000_000);
    }

    private static void join(CompletionStage<?> stage) throws Exception {
        stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aggregatesAcknowledgedIncrementsAndFlushesThemAsOneBatchPerSegment() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), sink)) {
            for (int i = 0; i < 100; i++) {
                join(counters.increment("listing-" + (i % 3)));
            }
            join(counters.write("listing-0", 10L));
            assertThat(counters.pendingIncrements()).isEqualTo(110);
            join(counters.flush());
            assertThat(counters.pendingIncrements()).isZero();
            join(counters.increment("listing-9"));
            join(counters.flush());
        }
        assertThat(sink.received).extracting(FlushBatch::id).containsExactly("node-1:1", "node-1:2");
        assertThat(sink.received.get(0).deltas()).isEqualTo(Map.of("listing-0", 44L, "listing-1", 33L, "listing-2", 33L));
        assertThat(sink.applied()).containsEntry("listing-9", 1L);
    }

    @Test
    void flushesBySizeAndByInterval() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(
                config().withFlush(Duration.ofHours(1), 50), KeyCodec.utf8(), sink)) {
            for (int i = 0; i < 60; i++) {
                join(counters.increment("k"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.received.isEmpty());
        }
        RecordingSink timed = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(
                WriteBehindConfig.defaults(dir.resolve("timed"), "t").withFlush(Duration.ofMillis(20), 1_000_000),
                KeyCodec.utf8(), timed)) {
            join(counters.increment("k"));
            await().atMost(Duration.ofSeconds(10)).until(() -> timed.applied().getOrDefault("k", 0L) == 1L);
        }
    }

    @Test
    void aFailingSinkGetsTheSameBatchAgainAndNothingIsLostOrDoubled() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), sink)) {
            join(counters.increment("a"));
            sink.failing = true;
            assertThatThrownBy(() -> join(counters.flush())).hasRootCauseMessage("sink down");
            join(counters.increment("a"));
            sink.applyThenFail = true; // applied, but the confirmation is lost
            assertThatThrownBy(() -> join(counters.flush())).hasRootCauseMessage("confirmation lost");
            sink.failing = false;
            join(counters.flush());
            assertThat(counters.pendingIncrements()).isZero();
        }
        assertThat(sink.received).extracting(FlushBatch::id)
                .containsExactly("node-1:1", "node-1:1", "node-1:1", "node-1:2");
        assertThat(sink.applied()).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void aRestartReplaysWhatWasNotFlushed() throws Exception {
        RecordingSink down = new RecordingSink();
        down.failing = true;
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(
                config().withFsync(FsyncPolicy.ALWAYS, Duration.ofMillis(100)), KeyCodec.utf8(), down)) {
            for (int i = 0; i < 7; i++) {
                join(counters.increment("b"));
            }
        }
        RecordingSink up = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), up)) {
            assertThat(counters.pendingIncrements()).isEqualTo(7);
            join(counters.flush());
        }
        assertThat(up.received).extracting(FlushBatch::id).containsExactly("node-1:1");
        assertThat(up.applied()).isEqualTo(Map.of("b", 7L));
    }

    @Test
    void aTornTailIsIgnoredAndTheIntactRecordsReplayed() throws Exception {
        RecordingSink down = new RecordingSink();
        down.failing = true;
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), down)) {
            for (int i = 0; i < 5; i++) {
                join(counters.increment("c"));
            }
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toFile().length() > JournalSegment.HEADER_BYTES).findFirst().orElseThrow();
        }
        // a record cut short by a crash mid-write: header says 20 bytes of payload, 3 follow
        Files.write(segment, new byte[] {0, 0, 0, 20, 1, 2, 3, 4, 9, 9, 9}, StandardOpenOption.APPEND);
        RecordingSink up = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), up)) {
            join(counters.flush());
        }
        assertThat(up.applied()).isEqualTo(Map.of("c", 5L));
    }

    @Test
    void aCorruptRecordStopsReplayOfThatSegmentAtTheCorruption() throws Exception {
        RecordingSink down = new RecordingSink();
        down.failing = true;
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(
                config().withFsync(FsyncPolicy.ALWAYS, Duration.ofMillis(100)), KeyCodec.utf8(), down)) {
            for (int i = 0; i < 3; i++) {
                join(counters.increment("d"));
            }
        }
        Path segment = JournalSegment.path(dir, 1);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 1] ^= 0x55; // flip a bit in the last record's key
        Files.write(segment, bytes);
        RecordingSink up = new RecordingSink();
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), up)) {
            join(counters.flush());
        }
        assertThat(up.applied()).isEqualTo(Map.of("d", 2L));
    }

    @Test
    void aClosedJournalRefusesIncrements() {
        WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), new RecordingSink());
        counters.close();
        assertThatThrownBy(() -> join(counters.increment("e"))).hasRootCauseMessage(
                "write-behind journal node-1 is closed; increment of e refused");
    }

    @Test
    void configRejectsNonsense() {
        assertThatThrownBy(() -> WriteBehindConfig.defaults(dir, "a:b")).hasMessageContaining("without ':'");
        assertThatThrownBy(() -> WriteBehindConfig.defaults(dir, "a").withFlush(Duration.ZERO, 1))
                .hasMessageContaining("flushInterval must be > 0");
    }

    @Test
    void aSinkThatBlocksDoesNotHoldUpAcknowledgements() throws Exception {
        CountDownLatch sinkEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WriteBehindSink<String> blocking = batch -> {
            sinkEntered.countDown();
            try {
                release.await(); // a sink doing synchronous I/O
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
        };
        try (WriteBehind<String> counters = WriteStrategy.writeBehind(config(), KeyCodec.utf8(), blocking)) {
            join(counters.increment("f"));
            CompletionStage<Void> flushing = counters.flush();
            assertThat(sinkEntered.await(30, TimeUnit.SECONDS)).isTrue();
            join(counters.increment("f")); // acknowledged while the sink is still busy
            assertThat(counters.pendingIncrements()).isEqualTo(2);
            release.countDown();
            join(flushing);
            assertThat(counters.pendingIncrements()).isEqualTo(1);
        }
    }
}
