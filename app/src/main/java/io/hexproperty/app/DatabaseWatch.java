package io.hexproperty.app;

import io.hexproperty.caching.strategies.WriteBehind;
import io.hexproperty.database.Readiness;
import io.hexproperty.http.NodeHealth;
import io.hexproperty.http.ResponseCache;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What this node can do, from a probe of the primary every {@code interval} (and at every health
 * request): "can write" is the primary answering; "can serve" is the primary answering or L1 holding
 * responses it may serve stale (ADR 0016). The write gate reads the last probe, so writes fail fast
 * while the primary is down and pass again within one interval of its return.
 */
final class DatabaseWatch implements AutoCloseable {
    private final Vertx vertx;
    private final Readiness primary;
    private final ResponseCache cache;
    private final Supplier<WriteBehind<?>> views;
    private final long timer;
    private volatile Readiness.Status last = new Readiness.Status(true, "not probed yet");

    private DatabaseWatch(Vertx vertx, Readiness primary, ResponseCache cache, Supplier<WriteBehind<?>> views, Duration interval) {
        this.vertx = vertx;
        this.primary = primary;
        this.cache = cache;
        this.views = views;
        this.timer = vertx.setPeriodic(interval.toMillis(), id -> probe());
    }

    /** {@code views}: the view-count journal, once it exists (null before), for the health body. */
    static DatabaseWatch start(Vertx vertx, Readiness primary, ResponseCache cache, Supplier<WriteBehind<?>> views,
                               Duration interval) {
        DatabaseWatch watch = new DatabaseWatch(vertx, primary, cache, views, interval);
        watch.probe();
        return watch;
    }

    private CompletionStage<Readiness.Status> probe() {
        return primary.check().thenApply(status -> {
            last = status;
            return status;
        });
    }

    /** The primary answered the last probe. */
    boolean writable() {
        return last.ready();
    }

    /** Why the primary is considered down (or that it answered). */
    String detail() {
        return last.detail();
    }

    /** A fresh probe, composed with what L1 holds and the view journal's state. */
    CompletionStage<NodeHealth> health() {
        return probe().thenApply(status -> {
            boolean serve = status.ready() || cache.listingEntries() > 0;
            Map<String, String> components = new LinkedHashMap<>();
            WriteBehind<?> journal = views.get();
            if (journal != null) {
                components.put("viewJournal", journal.journalFailure().orElse("ok"));
            }
            return new NodeHealth(serve, status.ready(), status.detail(), components);
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
