package io.hexproperty.caching.layers.disk;

import io.hexproperty.caching.layers.memory.MemoryTier;
import java.time.Clock;
import java.time.Duration;
import io.hexproperty.caching.CachedValue;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.List;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves L1's hottest entries to the disk tier (periodically and at shutdown) and re-warms L1 from it at
 * start, so a restarted node does not send its whole working set to the database at once.
 *
 * <p>A saved entry may be stale by the time it is restored (changes made while the node was down). The
 * save records the change-feed watermark read <em>before</em> the snapshot; {@link #restore()} returns
 * it, and the caller replays the feed from there (versioned invalidations make the replay idempotent)
 * or, if the feed cannot reach back that far, calls {@code invalidateAll()}. Entries older than
 * {@code maxAge} are not restored at all. Restored values go through the tier's normal install, so
 * tombstones and newer versions win.
 */
public final class WarmStart<K> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WarmStart.class);

    private final MemoryTier<K, Object> memory;
    private final Function<Object, byte[]> encoder;
    private final Function<byte[], Object> decoder;
    private final DiskTier<K> disk;
    private final WarmStartConfig config;
    private final Clock clock;
    private final Supplier<long[]> watermarks;
    private final ReentrantLock saving = new ReentrantLock();
    /** What is on disk (version and loadedAt per key), so a save rewrites only entries that changed. */
    private final Map<K, Saved> onDisk = new HashMap<>();
    private ScheduledExecutorService scheduler;

    private record Saved(long version, java.time.Instant loadedAt) {}

    @SuppressWarnings("unchecked")
    private WarmStart(MemoryTier<K, ?> memory, Function<?, byte[]> encoder, Function<byte[], ?> decoder,
                      DiskTier<K> disk, WarmStartConfig config, Clock clock, Supplier<long[]> watermarks) {
        this.memory = (MemoryTier<K, Object>) memory;
        this.encoder = (Function<Object, byte[]>) encoder;
        this.decoder = (Function<byte[], Object>) decoder;
        this.disk = disk;
        this.config = config;
        this.clock = clock;
        this.watermarks = watermarks;
    }

    private static Supplier<long[]> one(LongSupplier watermark) {
        return () -> new long[] {watermark.getAsLong()};
    }

    /** @param watermark the last change-feed sequence applied to {@code memory} */
    public static <K> WarmStart<K> of(MemoryTier<K, byte[]> memory, DiskTier<K> disk, WarmStartConfig config,
                                      Clock clock, LongSupplier watermark) {
        return new WarmStart<>(memory, Function.<byte[]>identity(), Function.<byte[]>identity(), disk, config, clock,
                one(watermark));
    }

    /**
     * Warm start of a tier whose values are not bytes (pre-encoded responses, ...): {@code encoder}
     * turns a value into the bytes saved, {@code decoder} turns them back (throwing on bytes it cannot
     * read: that entry is dropped and counted as refused).
     */
    public static <K, V> WarmStart<K> of(MemoryTier<K, V> memory, Function<V, byte[]> encoder,
                                         Function<byte[], V> decoder, DiskTier<K> disk, WarmStartConfig config,
                                         Clock clock, LongSupplier watermark) {
        return new WarmStart<>(memory, encoder, decoder, disk, config, clock, one(watermark));
    }

    /**
     * Warm start of a tier fed by a change feed with several independent sequences (one per database
     * shard): {@code watermarks} gives the last sequence applied from each, always in the same order.
     */
    public static <K, V> WarmStart<K> ofPartitioned(MemoryTier<K, V> memory, Function<V, byte[]> encoder,
                                                    Function<byte[], V> decoder, DiskTier<K> disk, WarmStartConfig config,
                                                    Clock clock, Supplier<long[]> watermarks) {
        return new WarmStart<>(memory, encoder, decoder, disk, config, clock, watermarks);
    }

    /** {@code watermarks}: the saved positions, one per sequence of the feed; empty when none was saved. */
    public record Restored(int installed, int tooOld, int refused, List<Long> watermarks) {
        public Restored {
            watermarks = List.copyOf(watermarks);
        }

        /** The saved position of a feed with one sequence; empty when none was saved (or several were). */
        public OptionalLong watermark() {
            return watermarks.size() == 1 ? OptionalLong.of(watermarks.getFirst()) : OptionalLong.empty();
        }
    }

    /** Installs every intact saved entry younger than maxAge into L1 (blocking file I/O). */
    public Restored restore() {
        int installed = 0;
        int tooOld = 0;
        int refused = 0;
        var oldest = clock.instant().minus(config.maxAge());
        for (DiskTier.Stored<K> stored : disk.loadAll()) {
            if (stored.value().loadedAt().isBefore(oldest)) {
                tooOld++;
                disk.remove(stored.key());
            } else if (install(stored)) {
                installed++;
                remember(stored.key(), stored.value().version(), stored.value().loadedAt());
            } else {
                refused++;
            }
        }
        List<Long> marks = disk.watermarks().map(m -> LongStream.of(m).boxed().toList()).orElse(List.of());
        log.info("warm start: {} entries restored to L1, {} too old, {} refused, change-feed watermark {}",
                installed, tooOld, refused, marks.isEmpty() ? "unknown" : marks);
        return new Restored(installed, tooOld, refused, marks);
    }

    private boolean install(DiskTier.Stored<K> stored) {
        Object value;
        try {
            value = decoder.apply(stored.value().value());
        } catch (RuntimeException e) {
            log.warn("warm start: saved entry {} unreadable, dropped: {}", stored.key(), e.toString());
            disk.remove(stored.key());
            return false;
        }
        CachedValue<Object> restored = new CachedValue<>(value, stored.value().version(), stored.value().loadedAt());
        return memory.install(stored.key(), restored, stored.tags()).installed();
    }

    /** Writes L1's hottest entries and drops the rest from disk; returns how many were written. */
    public int save() {
        saving.lock();
        try {
            long[] marks = watermarks.get().clone();
            Map<K, MemoryTier.Entry<Object>> hottest = memory.hottest(config.hottest());
            Set<K> kept = new LinkedHashSet<>();
            for (var e : hottest.entrySet()) {
                CachedValue<Object> value = e.getValue().value();
                Saved saved = onDisk.get(e.getKey());
                if (saved == null || saved.version() != value.version() || !saved.loadedAt().equals(value.loadedAt())) {
                    disk.put(e.getKey(), new CachedValue<>(encoder.apply(value.value()), value.version(), value.loadedAt()),
                            e.getValue().tags());
                    remember(e.getKey(), value.version(), value.loadedAt());
                }
                kept.add(e.getKey());
            }
            disk.retainOnly(kept);
            onDisk.keySet().retainAll(kept);
            disk.saveWatermarks(marks);
            return kept.size();
        } finally {
            saving.unlock();
        }
    }

    private void remember(K key, long version, java.time.Instant loadedAt) {
        saving.lock();
        try {
            onDisk.put(key, new Saved(version, loadedAt));
        } finally {
            saving.unlock();
        }
    }

    /** Starts periodic saves on a daemon thread. */
    public WarmStart<K> start() {
        Duration every = config.saveInterval();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("warm-start-save").factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                save();
            } catch (RuntimeException e) {
                log.warn("warm start: periodic save failed, next in {}: {}", every, e.toString());
            }
        }, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    /** Stops periodic saves and saves once more. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        int saved = save();
        log.info("warm start: saved {} hottest entries at shutdown", saved);
    }
}
