package io.hexproperty.database.replicas;

import io.hexproperty.database.WalPosition;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends writes to the primary and reads to a replica chosen by a {@link ReadStrategy}.
 *
 * <p>Reads: the candidates are the replicas that are up, not retired and, when the read carries a
 * {@link ConsistencyToken}, have replayed past it at their last health poll (polls are monotonic,
 * so an old poll can only be too cautious). No candidate means the primary. A read that fails for
 * a reason other than an SQL error, or is not answered within the read timeout, marks its node
 * down and is retried once on another candidate or the primary: reads are idempotent. A read whose
 * token no replica has reached yet goes to the primary even while a health check has marked it down,
 * and fails rather than go to a replica behind the token, until the primary refuses writes (known gone,
 * or down for three health timeouts, as below); from then on it is served by a replica anyway (there is
 * nowhere fresher to go), which is the one case where read-your-writes is not kept. A CI run on a
 * machine at load average 50 found the earlier rule (any "down" primary, even one late poll) serving a
 * token read from a lagging replica.
 *
 * <p>Writes: only to the primary, never retried (not idempotent). Once the primary is known gone
 * (a refused or dropped connection) or has missed its health deadline for three health timeouts,
 * they fail at once with a {@link StoreUnavailableException} (HTTP 503 with Retry-After) rather
 * than each waiting for a connect or acquire timeout. A primary that is only slow (one late poll
 * under load) keeps taking them.
 */
public final class Router {
    /** A token no replica reaches: the read goes to the primary while it is up. */
    private static final ConsistencyToken EVERY_COMMIT = new ConsistencyToken(Long.MAX_VALUE);


    private final ReplicaSet set;
    private final ReadStrategy strategy;
    private final MeterRegistry registry;
    private final Map<String, Counter> reads = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Counter writesRefused;

    public Router(ReplicaSet set, ReadStrategy strategy, MeterRegistry registry) {
        this.set = Objects.requireNonNull(set, "set");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.retries = Counter.builder("db.read.retries").description("Reads retried on another node").register(registry);
        this.writesRefused = Counter.builder("db.writes.refused").description("Writes refused while the primary is down")
                .register(registry);
    }

    public ReplicaSet replicaSet() {
        return set;
    }

    /** Runs an idempotent read on the node the strategy picks (see the class comment), retrying once elsewhere. */
    public <T> CompletionStage<T> read(Optional<ConsistencyToken> token, Function<Pool, CompletionStage<T>> operation) {
        Node first = choose(token, null);
        if (first == null) {
            return CompletableFuture.failedFuture(new StoreUnavailableException(noNodeMessage(), null));
        }
        return attempt(first, operation).exceptionallyCompose(error -> {
            Throwable cause = unwrap(error);
            if (!retryable(cause)) {
                return CompletableFuture.failedFuture(cause);
            }
            if (!(cause instanceof ReadTimeout) && nodeFailure(cause)) {
                set.health().eject(first, "read failed: " + HealthChecker.oneLine(cause), true);
            }
            Node second = choose(token, first);
            if (second == null) {
                return CompletableFuture.failedFuture(cause instanceof ReadTimeout t ? t.asUnavailable() : cause);
            }
            retries.increment();
            return attempt(second, operation).exceptionallyCompose(again -> {
                Throwable c = unwrap(again);
                return CompletableFuture.failedFuture(c instanceof ReadTimeout t ? t.asUnavailable() : c);
            });
        });
    }

    /**
     * Runs a read that must see every commit: on the primary even while a health check has marked it
     * down (a late poll of a loaded server is not an outage, and no other node is sure to have the
     * commit), unless it is known gone; if the primary fails, on whatever node a token read would use.
     * The caller checks what it got: a replica's answer may still be older.
     */
    public <T> CompletionStage<T> readLatest(Function<Pool, CompletionStage<T>> operation) {
        Node primary = set.primary();
        if (primary.hardDown()) {
            return read(Optional.of(EVERY_COMMIT), operation);
        }
        return attempt(primary, operation).exceptionallyCompose(error -> {
            Throwable cause = unwrap(error);
            return retryable(cause) ? read(Optional.of(EVERY_COMMIT), operation) : CompletableFuture.failedFuture(cause);
        });
    }

    /** Runs a write (or a transaction) on the primary. */
    public <T> CompletionStage<T> write(Function<Pool, CompletionStage<T>> operation) {
        Node primary = set.primary();
        if (refusesWrites(primary)) {
            writesRefused.increment();
            long downMs = TimeUnit.NANOSECONDS.toMillis(set.now() - primary.downSince());
            return CompletableFuture.failedFuture(new StoreUnavailableException("primary " + primary.name() + " ("
                    + primary.address() + ") is down for " + downMs + " ms (" + primary.downReason()
                    + "); writes are refused until it is back or a replica is promoted", null));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        long timeoutMs = set.settings().writeTimeout().toMillis();
        long timer = set.vertx().setTimer(timeoutMs, id -> {
            if (result.completeExceptionally(new StoreUnavailableException("write on " + primary.name() + " ("
                    + primary.address() + ") not answered within " + timeoutMs + " ms; its outcome is unknown (it may"
                    + " have committed)", null))) {
                set.health().eject(primary, "write not answered within " + timeoutMs + " ms", false);
            }
        });
        primary.run(() -> operation.apply(primary.pool())).whenComplete((value, error) -> {
            set.vertx().cancelTimer(timer);
            Throwable cause = error == null ? null : unwrap(error);
            if (cause != null && nodeFailure(cause)) {
                set.health().eject(primary, "write failed: " + HealthChecker.oneLine(cause), true);
            }
            if (cause != null) {
                result.completeExceptionally(cause);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    /**
     * Runs a write on the primary and returns with it a token at or after its commit: the WAL
     * insert position read right after the operation committed, on the same server.
     */
    public <T> CompletionStage<Written<T>> writeConsistent(Function<Pool, CompletionStage<T>> operation) {
        return write(pool -> operation.apply(pool).thenCompose(value -> pool.query(WalPosition.CURRENT_SQL).execute()
                .map(rows -> new Written<>(value, ConsistencyToken.parse(rows.iterator().next().getString(0))))
                .toCompletionStage()));
    }

    /** The replica (or the primary) a read with {@code token} would go to now, skipping {@code except}. */
    Node choose(Optional<ConsistencyToken> token, Node except) {
        List<Node> eligible = new ArrayList<>();
        List<Node> live = new ArrayList<>();
        for (Node n : set.replicas()) {
            if (n == except || !n.up()) {
                continue;
            }
            live.add(n);
            if (token.isEmpty() || (n.polled() && token.get().reachedBy(n.position()))) {
                eligible.add(n);
            }
        }
        Optional<Node> chosen = strategy.choose(eligible);
        if (chosen.isPresent()) {
            return chosen.get();
        }
        Node primary = set.primary();
        if (primary != except && primary.up()) {
            return primary;
        }
        if (token.isPresent() && !refusesWrites(primary)) {
            // The primary is late, not gone (a missed health deadline or one read timeout on a loaded machine): a
            // replica behind the token would break read-your-writes, so the read waits on the primary, and a read that
            // already failed there fails (503, retried by the client) rather than come back older than its token.
            return primary != except ? primary : null;
        }
        // Primary gone: a replica that is behind the token still beats an error (see class comment).
        // A lag-aware strategy may refuse every live replica; with the primary gone any live one will do.
        Optional<Node> any = strategy.choose(live).or(() -> live.stream().findFirst());
        if (any.isPresent()) {
            return any.get();
        }
        // Nothing is up: try the primary all the same. "Down" may only mean slow (a saturated server
        // misses its health deadline), and a real failure costs one refused connect or read timeout.
        return primary != except ? primary : null;
    }

    /**
     * Writes fail fast once the primary is known gone (refused or dropped connections), or has
     * missed its health deadline for three health timeouts in a row (hung). A single late poll of a
     * saturated primary does not refuse writes.
     */
    private boolean refusesWrites(Node primary) {
        if (primary.up()) {
            return false;
        }
        return primary.hardDown() || set.now() - primary.downSince() >= 3 * set.settings().healthTimeout().toNanos();
    }

    private <T> CompletionStage<T> attempt(Node node, Function<Pool, CompletionStage<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        long timeoutMs = set.settings().readTimeout().toMillis();
        long timer = set.vertx().setTimer(timeoutMs, id -> {
            if (result.completeExceptionally(new ReadTimeout(node, timeoutMs))) {
                set.health().eject(node, "read not answered within " + timeoutMs + " ms", false);
            }
        });
        node.run(() -> operation.apply(node.pool())).whenComplete((value, error) -> {
            set.vertx().cancelTimer(timer);
            if (error != null) {
                result.completeExceptionally(unwrap(error));
            } else {
                // Counted before completing, so that a caller that has its answer also sees it counted.
                if (!result.isDone()) {
                    served(node).increment();
                }
                result.complete(value);
            }
        });
        return result;
    }

    private Counter served(Node node) {
        return reads.computeIfAbsent(node.name(), name -> Counter.builder("db.reads").tag("node", name)
                .description("Reads served by the node").register(registry));
    }

    private String noNodeMessage() {
        Node primary = set.primary();
        return "no database node can serve reads: primary " + primary.name() + " (" + primary.address() + ") is down ("
                + primary.downReason() + ") and no replica is up";
    }

    /** Domain outcomes (not found, not owner, ...) are answers, not failures. */
    private static boolean retryable(Throwable cause) {
        return cause instanceof StoreUnavailableException || cause instanceof ReadTimeout;
    }

    /** An SQL error is the query's problem; anything else (closed, refused, timed out) is the node's. */
    private static boolean nodeFailure(Throwable cause) {
        if (!(cause instanceof StoreUnavailableException)) {
            return false;
        }
        if (cause.getMessage() != null && cause.getMessage().startsWith("pool exhausted")) {
            return false;
        }
        return !(cause.getCause() instanceof PgException);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A read that outlived the read timeout; its node is marked down. */
    private static final class ReadTimeout extends RuntimeException {
        ReadTimeout(Node node, long timeoutMs) {
            super("read on " + node.name() + " (" + node.address() + ") not answered within " + timeoutMs + " ms", null,
                    false, false);
        }

        StoreUnavailableException asUnavailable() {
            return new StoreUnavailableException(getMessage() + " and no other node could serve it", null);
        }
    }
}
