package io.hexproperty.database.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * N embedded PostgreSQL servers, one per shard, under {@code <root>/shard-<i>}, each prepared
 * (migrated, by the caller's {@code prepare}: this module knows processes, not schemas). They start in parallel (initdb and start-up are mostly waiting)
 * and stop together; if one fails to start, the others are stopped before the error is thrown.
 */
public final class EmbeddedShards implements AutoCloseable {
    private final List<EmbeddedDatabase> servers;

    private EmbeddedShards(List<EmbeddedDatabase> servers) {
        this.servers = servers;
    }

    /**
     * Starts (or restarts, keeping their data) {@code shards} servers under {@code root} and runs
     * {@code prepare} on each (in parallel); blocking. A server whose {@code prepare} throws is stopped.
     */
    public static EmbeddedShards start(Path root, int shards, Consumer<EmbeddedDatabase> prepare) {
        if (shards < 1 || shards > 64) {
            throw new IllegalArgumentException("shards must be between 1 and 64, was " + shards);
        }
        List<Future<EmbeddedDatabase>> starting = new ArrayList<>(shards);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < shards; i++) {
                Path dir = directory(root, i);
                starting.add(pool.submit(() -> {
                    EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
                    try {
                        prepare.accept(db);
                        return db;
                    } catch (RuntimeException e) {
                        db.close();
                        throw e;
                    }
                }));
            }
        }
        List<EmbeddedDatabase> started = new ArrayList<>(shards);
        RuntimeException failure = null;
        for (int i = 0; i < shards; i++) {
            Future<EmbeddedDatabase> f = starting.get(i);
            if (f.state() == Future.State.SUCCESS) {
                started.add(f.resultNow());
            } else {
                Throwable cause = f.exceptionNow();
                RuntimeException e = new DatabaseStartException("shard " + i + " (" + directory(root, i)
                        + ") did not start: " + cause.getMessage(), cause);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            started.forEach(EmbeddedDatabase::close);
            throw failure;
        }
        return new EmbeddedShards(List.copyOf(started));
    }

    /** Where shard {@code i}'s server keeps its data. */
    public static Path directory(Path root, int shard) {
        return root.resolve("shard-" + shard);
    }

    public int size() {
        return servers.size();
    }

    /** Each shard's {@link EmbeddedDatabase#url()}, in shard order. */
    public List<String> urls() {
        return servers.stream().map(EmbeddedDatabase::url).toList();
    }

    public EmbeddedDatabase server(int shard) {
        return servers.get(shard);
    }

    @Override
    public void close() {
        for (EmbeddedDatabase server : servers.reversed()) {
            server.close();
        }
    }
}
