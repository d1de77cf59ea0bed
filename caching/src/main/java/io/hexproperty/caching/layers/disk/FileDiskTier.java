package io.hexproperty.caching.layers.disk;

import io.hexproperty.caching.CachedValue;
import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.TierMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DiskTier} as one file per entry, named by the SHA-256 of the encoded key. Writes go to a
 * temporary file that is atomically renamed, so a crash leaves either the old file, the new one or a
 * stray temp file (deleted at open), never a half-written entry under the real name; the CRC catches
 * what the file system still gets wrong. The in-memory index (name -> size, write order) keeps the
 * bounds without listing the directory; it is mutated under a ReentrantLock, file I/O happens outside.
 */
final class FileDiskTier<K> implements DiskTier<K> {

    private static final Logger log = LoggerFactory.getLogger(FileDiskTier.class);
    private static final String SUFFIX = ".entry";
    private static final String WATERMARK = "watermark";

    private record Indexed(long size, long order) {}

    private final DiskTierConfig config;
    private final KeyCodec<K> codec;
    private final TierMetrics metrics;
    private final ConcurrentHashMap<String, Indexed> index = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, String> writeOrder = new ConcurrentSkipListMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong orders = new AtomicLong();
    private final ReentrantLock indexLock = new ReentrantLock();

    private FileDiskTier(DiskTierConfig config, KeyCodec<K> codec, TierMetrics metrics) {
        this.config = config;
        this.codec = codec;
        this.metrics = metrics;
    }

    static <K> FileDiskTier<K> open(DiskTierConfig config, KeyCodec<K> codec, TierMetrics metrics) {
        FileDiskTier<K> tier = new FileDiskTier<>(config, codec, metrics);
        try {
            Files.createDirectories(config.directory());
            List<Path> files;
            try (Stream<Path> listing = Files.list(config.directory())) {
                files = listing.toList();
            }
            record Found(Path path, long size, long modified) {}
            List<Found> entries = new ArrayList<>();
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(SUFFIX)) {
                    entries.add(new Found(f, Files.size(f), Files.getLastModifiedTime(f).toMillis()));
                }
            }
            entries.sort(Comparator.comparingLong(Found::modified));
            for (Found e : entries) {
                tier.indexed(e.path().getFileName().toString(), e.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open disk tier " + config.directory(), e);
        }
        metrics.gauge("cache.disk.entries", tier::size);
        metrics.gauge("cache.disk.bytes", tier::bytes);
        return tier;
    }

    @Override
    public Optional<Stored<K>> get(K key) {
        byte[] keyBytes = codec.encode(key);
        Optional<Stored<K>> found = read(name(keyBytes)).filter(s -> Arrays.equals(codec.encode(s.key()), keyBytes));
        if (found.isPresent()) {
            metrics.hit();
        } else {
            metrics.miss();
        }
        return found;
    }

    @Override
    public void put(K key, CachedValue<byte[]> value, Set<String> tags) {
        byte[] keyBytes = codec.encode(key);
        String name = name(keyBytes);
        byte[] file = EntryFile.encode(keyBytes, value.version(), value.loadedAt(), tags, value.value());
        Path target = config.directory().resolve(name);
        Path tmp = config.directory().resolve(name + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, file);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("disk tier write of " + file.length + " bytes to " + target + " failed ("
                    + size() + " entries, " + bytes() + " bytes held)", e);
        }
        metrics.counter("cache.disk.writes", "result", "ok").increment();
        indexed(name, file.length);
        evictOverBounds();
    }

    @Override
    public void remove(K key) {
        delete(name(codec.encode(key)));
    }

    @Override
    public List<Stored<K>> loadAll() {
        List<String> newestFirst = new ArrayList<>(writeOrder.descendingMap().values());
        List<Stored<K>> all = new ArrayList<>(newestFirst.size());
        for (String name : newestFirst) {
            read(name).ifPresent(all::add);
        }
        return all;
    }

    @Override
    public void retainOnly(Set<K> keep) {
        Set<String> names = keep.stream().map(k -> name(codec.encode(k))).collect(Collectors.toSet());
        for (String name : List.copyOf(index.keySet())) {
            if (!names.contains(name)) {
                delete(name);
            }
        }
    }

    @Override
    public void saveWatermarks(long[] sequences) {
        if (sequences.length == 0) {
            throw new IllegalArgumentException("a watermark needs at least one sequence");
        }
        Path target = config.directory().resolve(WATERMARK);
        Path tmp = config.directory().resolve(WATERMARK + "." + UUID.randomUUID() + ".tmp");
        String text = java.util.Arrays.stream(sequences).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(","));
        try {
            Files.writeString(tmp, "watermark=" + text + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** {@code watermark=<seq>[,<seq>...]}: one sequence, or one per shard of the change feed. */
    @Override
    public java.util.Optional<long[]> watermarks() {
        try {
            String text = Files.readString(config.directory().resolve(WATERMARK), StandardCharsets.UTF_8).strip();
            if (!text.startsWith("watermark=")) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(java.util.Arrays.stream(text.substring(10).split(","))
                    .mapToLong(part -> Long.parseLong(part.strip())).toArray());
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("disk tier {}: unreadable watermark ignored: {}", config.directory(), e.toString());
            return java.util.Optional.empty();
        }
    }

    @Override
    public int size() {
        return index.size();
    }

    @Override
    public long bytes() {
        return bytes.get();
    }

    private Optional<Stored<K>> read(String name) {
        Path path = config.directory().resolve(name);
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("disk tier: cannot read {}: {}", path, e.toString());
            return Optional.empty();
        }
        EntryFile.Result result = EntryFile.decode(raw);
        if (result.problem() != null) {
            log.warn("disk tier: deleting corrupt {} ({})", path, result.problem());
            metrics.counter("cache.disk.corrupt", "action", "deleted").increment();
            delete(name);
            return Optional.empty();
        }
        EntryFile.Decoded d = result.entry();
        return Optional.of(new Stored<>(codec.decode(d.key()), new CachedValue<>(d.value(), d.version(), d.loadedAt()),
                d.tags()));
    }

    private void indexed(String name, long size) {
        indexLock.lock();
        try {
            long order = orders.incrementAndGet();
            Indexed old = index.put(name, new Indexed(size, order));
            if (old != null) {
                writeOrder.remove(old.order());
                bytes.addAndGet(-old.size());
            }
            writeOrder.put(order, name);
            bytes.addAndGet(size);
        } finally {
            indexLock.unlock();
        }
    }

    private void evictOverBounds() {
        while (index.size() > config.maxEntries() || bytes.get() > config.maxBytes()) {
            Map.Entry<Long, String> oldest = writeOrder.firstEntry();
            if (oldest == null) {
                return;
            }
            delete(oldest.getValue());
            metrics.eviction("size");
        }
    }

    private void delete(String name) {
        deleteQuietly(config.directory().resolve(name));
        indexLock.lock();
        try {
            Indexed old = index.remove(name);
            if (old != null) {
                writeOrder.remove(old.order());
                bytes.addAndGet(-old.size());
            }
        } finally {
            indexLock.unlock();
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("disk tier: cannot delete {}: {}", path, e.toString());
        }
    }

    private static String name(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
