package io.hexproperty.caching.strategies;

import io.hexproperty.caching.KeyCodec;
import io.hexproperty.caching.strategies.WriteBehindSink.FlushBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind counters with a local append-only journal.
 *
 * <p>Durability. {@code write} enqueues the increment for the single journal thread, which appends a
 * batch of records (length-prefixed, CRC32) to the active segment with one {@code write(2)}, fsyncs
 * according to the {@link FsyncPolicy} (group commit), applies them to the segment's in-memory sums and
 * only then completes the callers' stages: an acknowledged increment is in the file, so a kill -9 cannot
 * lose it (the page cache outlives the process; fsync covers power loss).
 *
 * <p>Flush and idempotency: segments rotate and a segment is deleted only after its flush is confirmed.
 * A flush seals the active segment (closes it, opens the next), then sends each sealed segment, oldest
 * first, as one batch with id {@code <journalId>:<segment sequence>} and deletes the file when the sink
 * confirms. A crash at any point leaves the unconfirmed segments on disk; the next start replays them
 * into the same batches with the same ids. So the only duplicate a crash can cause is a batch the sink
 * applied but whose confirmation was lost, and that batch comes back with the id the sink already
 * recorded: a sink that records ids (see {@link WriteBehindSink}) gets every increment exactly once.
 * A sink that fails is retried on the next interval with the same batches; nothing is dropped.
 *
 * <p>Journal errors (disk full, directory gone or unwritable, fsync failure) do not stop the journal
 * thread. The increments of the failed append are refused (their callers keep them and offer them
 * again, see {@link ViewCounts}); the active segment is sealed as it is (its in-memory sums hold only
 * records that reached the file, and a replay trims a torn tail at the checksum), and a new segment
 * is tried again after a backoff (100 ms doubling to 30 s); appends meanwhile fail at once. The
 * failure is visible in {@link #journalFailure()} (readiness) and {@code journalErrors()} (metrics).
 *
 * <p>Threads. Only the journal thread touches the active segment; sealed segments pass to the flusher
 * through a concurrent deque; flushes are serialized by chaining them under a ReentrantLock (no
 * {@code synchronized}: callers may be virtual threads). Callers' continuations on the returned stage
 * run on the journal thread unless they use the {@code *Async} variants.
 */
final class JournaledWriteBehind<K> implements WriteBehind<K> {

    private static final Logger log = LoggerFactory.getLogger(JournaledWriteBehind.class);

    private sealed interface Command permits Append, Seal, Stop {}

    private record Append(Object key, byte[] keyBytes, long delta, CompletableFuture<Void> ack) implements Command {}

    private record Seal(CompletableFuture<Void> done) implements Command {}

    private record Stop(CompletableFuture<Void> done) implements Command {}

    private final WriteBehindConfig config;
    private final KeyCodec<K> codec;
    private final WriteBehindSink<K> sink;
    private final BlockingQueue<Command> queue = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<JournalSegment<K>> sealed = new ConcurrentLinkedDeque<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean sizeFlushRequested = new AtomicBoolean();
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Runs periodic flushes and every sink call, so a slow sink never holds up the journal thread. */
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> periodic;
    private final Thread writer;
    private volatile boolean closed;
    /** Set by the journal thread when it has exited; commands queued after that are failed by their sender. */
    private volatile boolean stopped;
    private CompletableFuture<Void> flushTail = CompletableFuture.completedFuture(null);

    private volatile String failure;
    private final AtomicLong errors = new AtomicLong();

    // journal thread only
    private JournalSegment<K> active;
    /** Null while no segment can be opened (after a journal error, until a retry succeeds). */
    private FileChannel channel;
    private long retryAtNanos;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    private long nextSequence;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private boolean dirty;
    private long lastSyncNanos = System.nanoTime();

    private JournaledWriteBehind(WriteBehindConfig config, KeyCodec<K> codec, WriteBehindSink<K> sink) {
        this.config = config;
        this.codec = codec;
        this.sink = sink;
        this.writer = Thread.ofPlatform().daemon().name("write-behind-" + config.journalId()).unstarted(this::runJournal);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("write-behind-flush-" + config.journalId()).factory());
    }

    static <K> JournaledWriteBehind<K> open(WriteBehindConfig config, KeyCodec<K> codec, WriteBehindSink<K> sink) {
        JournaledWriteBehind<K> journal = new JournaledWriteBehind<>(config, codec, sink);
        try {
            journal.recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open write-behind journal in " + config.directory(), e);
        }
        journal.writer.start();
        long period = config.flushInterval().toNanos();
        journal.periodic = journal.scheduler.scheduleWithFixedDelay(journal::scheduledFlush, period, period,
                TimeUnit.NANOSECONDS);
        if (!journal.sealed.isEmpty()) {
            journal.scheduler.execute(journal::scheduledFlush);
        }
        return journal;
    }

    private void recover() throws IOException {
        Files.createDirectories(config.directory());
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(config.directory())) {
            files.forEach(f -> {
                OptionalLong seq = JournalSegment.sequenceOf(f);
                if (seq.isPresent()) {
                    segments.put(seq.getAsLong(), f);
                }
            });
        }
        long next = 1;
        long replayed = 0;
        for (var e : segments.entrySet()) {
            var replay = JournalSegment.replay(e.getValue(), e.getKey(), codec);
            if (replay.damage() != null) {
                log.warn("write-behind journal {}: segment {} damaged ({}); replaying the {} intact records before it",
                        config.journalId(), e.getValue().getFileName(), replay.damage(), replay.segment().records);
            }
            if (replay.segment().records == 0) {
                Files.deleteIfExists(e.getValue());
            } else {
                sealed.add(replay.segment());
                pending.addAndGet(replay.segment().increments);
                replayed += replay.segment().records;
            }
            next = e.getKey() + 1;
        }
        if (replayed > 0) {
            log.info("write-behind journal {}: replayed {} records in {} segments, {} increments pending",
                    config.journalId(), replayed, sealed.size(), pending.get());
        }
        FileChannel[] ch = new FileChannel[1];
        active = JournalSegment.create(config.directory(), next, ch);
        channel = ch[0];
    }

    @Override
    public CompletionStage<Void> write(K key, Long delta) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(delta, "delta");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "write-behind journal " + config.journalId() + " is closed; increment of " + key + " refused"));
        }
        byte[] bytes = codec.encode(key);
        if (bytes.length > JournalSegment.MAX_KEY_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "key of " + bytes.length + " bytes exceeds " + JournalSegment.MAX_KEY_BYTES));
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        queue.add(new Append(key, bytes, delta, ack));
        if (stopped) {
            failQueued(new ArrayList<>());
        }
        return ack;
    }

    @Override
    public CompletionStage<Void> flush() {
        CompletableFuture<Void> sealedNow = new CompletableFuture<>();
        flushLock.lock();
        try {
            if (stopped) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "write-behind journal " + config.journalId() + " is closed"));
            }
            queue.add(new Seal(sealedNow));
            if (stopped) {
                failQueued(new ArrayList<>());
            }
            CompletableFuture<Void> next = flushTail.handle((x, e) -> null)
                    .thenCompose(x -> sealedNow)
                    .thenComposeAsync(x -> drainSealed(), scheduler);
            flushTail = next;
            return next;
        } finally {
            flushLock.unlock();
        }
    }

    @Override
    public long pendingIncrements() {
        return pending.get();
    }

    @Override
    public java.util.Optional<String> journalFailure() {
        return java.util.Optional.ofNullable(failure);
    }

    @Override
    public long journalErrors() {
        return errors.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        periodic.cancel(false);
        try {
            flush().toCompletableFuture().get(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            log.warn("write-behind journal {}: final flush failed ({}); {} increments in {} segments stay in {} for replay",
                    config.journalId(), e.toString(), pending.get(), sealed.size(), config.directory());
        }
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Stop(done));
        try {
            done.get(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            writer.join(config.closeTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("write-behind journal {}: journal thread did not stop cleanly: {}", config.journalId(), e.toString());
        } finally {
            scheduler.shutdownNow();
        }
    }

    private void scheduledFlush() {
        if (pending.get() == 0 && sealed.isEmpty()) {
            return;
        }
        flush().whenComplete((x, e) -> {
            if (e != null) {
                log.warn("write-behind journal {}: flush failed, will retry in {}: {} increments in {} sealed segments pending: {}",
                        config.journalId(), config.flushInterval(), pending.get(), sealed.size(), e.toString());
            }
        });
    }

    private CompletableFuture<Void> drainSealed() {
        JournalSegment<K> segment = sealed.peekFirst();
        if (segment == null) {
            return CompletableFuture.completedFuture(null);
        }
        FlushBatch<K> batch = new FlushBatch<>(config.journalId() + ":" + segment.sequence, segment.totals);
        CompletionStage<Void> sent;
        try {
            sent = sink.apply(batch);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.toCompletableFuture().thenCompose(x -> {
            try {
                Files.deleteIfExists(segment.path);
            } catch (IOException e) {
                // the batch id makes a replay of this segment harmless to an id-recording sink
                log.warn("write-behind journal {}: cannot delete flushed segment {}: {}", config.journalId(),
                        segment.path, e.toString());
            }
            sealed.pollFirst();
            pending.addAndGet(-segment.increments);
            return drainSealed();
        });
    }

    private void runJournal() {
        List<Command> batch = new ArrayList<>();
        List<Append> run = new ArrayList<>();
        long pollNanos = config.fsyncInterval().toNanos();
        try {
            while (true) {
                Command first = queue.poll(pollNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    syncIfDue();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 8192);
                for (Command command : batch) {
                    switch (command) {
                        case Append a -> run.add(a);
                        case Seal s -> {
                            commit(run);
                            seal();
                            s.done().complete(null);
                        }
                        case Stop s -> {
                            commit(run);
                            if (channel != null) {
                                channel.force(false);
                                channel.close();
                            }
                            s.done().complete(null);
                            return;
                        }
                    }
                }
                commit(run);
                batch.clear();
                if (channel != null && active.records >= config.flushAtIncrements() && sizeFlushRequested.compareAndSet(false, true)) {
                    flush().whenComplete((x, e) -> sizeFlushRequested.set(false));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // Only a bug gets here: journal I/O errors are handled where they happen (see journalError).
            log.error("write-behind journal {}: journal thread failed on segment {}; refusing further increments",
                    config.journalId(), active.path, e);
            failure = "journal thread stopped: " + e;
        } finally {
            closed = true;
            stopped = true;
            failQueued(run);
        }
    }

    @SuppressWarnings("unchecked")
    private void commit(List<Append> run) {
        if (run.isEmpty()) {
            return;
        }
        if (!ensureSegment()) {
            IOException refused = new IOException("write-behind journal " + config.journalId() + " cannot write ("
                    + failure + "); next try in " + TimeUnit.NANOSECONDS.toMillis(Math.max(0, retryAtNanos - System.nanoTime()))
                    + " ms; " + pending.get() + " increments pending");
            run.forEach(a -> a.ack().completeExceptionally(refused));
            run.clear();
            return;
        }
        long before = -1;
        try {
            before = channel.position();
            buffer.clear();
            for (Append a : run) {
                buffer = JournalSegment.encode(buffer, a.keyBytes(), a.delta());
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (config.fsync() == FsyncPolicy.ALWAYS) {
                channel.force(false);
            } else {
                dirty = true;
                syncIfDue();
            }
        } catch (IOException e) {
            IOException failure = new IOException("journal append of " + run.size() + " records to "
                    + active.path + " failed; " + pending.get() + " increments pending", e);
            run.forEach(a -> a.ack().completeExceptionally(failure));
            run.clear();
            if (before >= 0) {
                try {
                    channel.truncate(before); // refused records must not come back in a replay
                } catch (IOException ignored) {
                    // a torn tail is trimmed by the checksum at replay; whole records of this run could
                    // come back after a crash: the rare double count of a disk that fails mid-write
                }
            }
            journalError("append to " + active.path, e);
            return;
        }
        for (Append a : run) {
            active.add((K) a.key(), a.delta());
            pending.addAndGet(a.delta());
        }
        for (Append a : run) {
            a.ack().complete(null);
        }
        run.clear();
    }

    private void syncIfDue() {
        if (channel != null && dirty && System.nanoTime() - lastSyncNanos >= config.fsyncInterval().toNanos()) {
            try {
                channel.force(false);
            } catch (IOException e) {
                journalError("fsync of " + active.path, e);
                return;
            }
            dirty = false;
            lastSyncNanos = System.nanoTime();
        }
    }

    private void seal() {
        if (channel == null) {
            ensureSegment(); // nothing to seal: the failed segment was sealed when it failed
            return;
        }
        if (active.records == 0) {
            return;
        }
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            journalError("seal of " + active.path, e); // seals it anyway: its sums are in memory
            return;
        }
        dirty = false;
        sealed.addLast(active);
        channel = null;
        retryAtNanos = 0;
        ensureSegment();
    }

    /**
     * A journal I/O error: the active segment is sealed as it is (its in-memory sums hold exactly the
     * records that reached the file; a replay after a crash trims a torn tail at the checksum) and a
     * new segment is tried after the backoff. The journal thread lives on.
     */
    private void journalError(String what, IOException e) {
        errors.incrementAndGet();
        failure = what + " failed: " + e.getMessage();
        log.warn("write-behind journal {}: {}; increments are refused and kept by their callers until a new segment opens "
                + "(retry in {} ms)", config.journalId(), failure, TimeUnit.NANOSECONDS.toMillis(backoffNanos));
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the channel is abandoned either way
            }
            channel = null;
            dirty = false;
            if (active.records > 0) {
                sealed.addLast(active);
            }
        }
        retryAtNanos = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    }

    /** True when a segment is open for appends; after an error, retries opening one once the backoff has passed. */
    private boolean ensureSegment() {
        if (channel != null) {
            return true;
        }
        if (System.nanoTime() - retryAtNanos < 0) {
            return false;
        }
        // A number a failed attempt may have left a file under is never tried again (replay sorts by number).
        long sequence = Math.max(active.sequence + 1, nextSequence);
        nextSequence = sequence + 1;
        try {
            Files.createDirectories(config.directory());
            FileChannel[] ch = new FileChannel[1];
            JournalSegment<K> next = JournalSegment.create(config.directory(), sequence, ch);
            active = next;
            channel = ch[0];
            lastSyncNanos = System.nanoTime();
            if (failure != null) {
                log.info("write-behind journal {}: writing again to {} after: {}", config.journalId(), active.path, failure);
            }
            failure = null;
            backoffNanos = MIN_BACKOFF_NANOS;
            return true;
        } catch (IOException e) {
            errors.incrementAndGet();
            failure = "opening segment " + sequence + " in " + config.directory() + " failed: " + e;
            retryAtNanos = System.nanoTime() + backoffNanos;
            log.warn("write-behind journal {}: {}; retry in {} ms", config.journalId(), failure,
                    TimeUnit.NANOSECONDS.toMillis(backoffNanos));
            backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            return false;
        }
    }

    private void failQueued(List<Append> run) {
        IllegalStateException failure = new IllegalStateException(
                "write-behind journal " + config.journalId() + " stopped; increment not journaled");
        run.forEach(a -> a.ack().completeExceptionally(failure));
        List<Command> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Command c : rest) {
            switch (c) {
                case Append a -> a.ack().completeExceptionally(failure);
                case Seal s -> s.done().completeExceptionally(failure);
                case Stop s -> s.done().complete(null);
            }
        }
    }
}
