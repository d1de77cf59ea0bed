package io.hexproperty.caching.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.caching.KeyCodec;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view-count journal outlives a journal path it cannot write (disk full, directory gone): the
 * failure shows in {@link WriteBehind#journalFailure()} and the metrics, views keep their sums and
 * are journaled once the path is writable again, and none is lost or counted twice.
 */
@Unit
class JournalFailureTest {
    @TempDir
    Path root;

    /** Adds every batch once by id, like PgListingViews. */
    static final class Store implements WriteBehindSink<ListingKey> {
        final Map<String, Boolean> ids = new ConcurrentHashMap<>();
        final Map<ListingKey, Long> totals = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<Void> apply(FlushBatch<ListingKey> batch) {
            if (ids.putIfAbsent(batch.id(), true) == null) {
                batch.deltas().forEach((k, v) -> totals.merge(k, v, Long::sum));
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void anUnwritableJournalPathIsRetriedAndNoViewIsLost() throws Exception {
        Path dir = root.resolve("views");
        Store store = new Store();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WriteBehindMetrics meters = new WriteBehindMetrics(registry, "views");
        WriteBehind<ListingKey> journal = meters.watch(WriteStrategy.writeBehind(
                WriteBehindConfig.defaults(dir, "node-1").withFlush(Duration.ofHours(1), 1_000_000),
                KeyCodec.ofString(ListingKey::value, ListingKey::of), store));
        ViewCounts views = new ViewCounts(journal, 10);
        ListingKey key = ListingKey.of("HXVIEWED01");
        try {
            for (int i = 0; i < 100; i++) {
                views.viewed(key);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> journal.pendingIncrements() == 100);

            // The path becomes unwritable. The tests run as root, for whom permissions do not count,
            // so the directory is replaced by a regular file: no new segment can be created there.
            Files.move(dir, root.resolve("views-away"));
            Files.writeString(dir, "not a directory");
            journal.flush().toCompletableFuture().get(10, TimeUnit.SECONDS); // seals; the next segment fails
            for (int i = 0; i < 50; i++) {
                views.viewed(key);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> journal.journalFailure().isPresent());
            assertThat(journal.journalFailure().get()).contains(dir.toString());
            assertThat(registry.get("cache.writebehind.journal.healthy").tag("journal", "views").gauge().value()).isZero();
            double errors = registry.get("cache.writebehind.journal.errors").tag("journal", "views").functionCounter().count();
            assertThat(errors).isPositive();

            // The path is writable again: the journal takes a new segment on its next try.
            Files.delete(dir);
            for (int i = 0; i < 25; i++) {
                views.viewed(key);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> journal.journalFailure().isEmpty()
                    && journal.pendingIncrements() == 75);
            assertThat(registry.get("cache.writebehind.journal.healthy").tag("journal", "views").gauge().value()).isEqualTo(1);
        } finally {
            views.close();
            journal.close(); // the final flush
        }
        assertThat(store.totals).containsExactly(Map.entry(key, 175L));
    }
}
