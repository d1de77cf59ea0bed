package io.hexproperty.caching.redis;

import com.github.benmanes.caffeine.cache.Ticker;
import io.hexproperty.caching.TierMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled Redis client shared by the tier, its lease and (through {@link #redis()}) the change
 * channel: commands with a deadline, scripts by EVALSHA with an EVAL fallback, and the accounting of
 * failures ({@code cache.l2.errors{op}}, a throttled warning). The client reconnects by itself: a killed
 * or broken connection fails the commands in flight on it and the next command takes a new one.
 */
final class RedisEndpoint {

    private static final Logger log = LoggerFactory.getLogger(RedisEndpoint.class);

    private final Vertx vertx;
    private final RedisTierConfig config;
    private final Redis redis;
    private final TierMetrics metrics;
    private final ThrottledLog failures;
    private final long timeoutMillis;

    RedisEndpoint(Vertx vertx, RedisTierConfig config, TierMetrics metrics, Ticker ticker) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.failures = new ThrottledLog(log, ticker, config.errorLogInterval());
        this.timeoutMillis = Math.max(1, config.commandTimeout().toMillis());
        this.redis = Redis.createClient(vertx, options(config));
    }

    static RedisOptions options(RedisTierConfig config) {
        RedisOptions options = new RedisOptions()
                .setType(config.cluster() ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
                .setMaxPoolSize(config.poolSize())
                .setMaxPoolWaiting(config.maxPoolWaiting())
                // masters only: the version rules are applied there; see docs/caching-redis.md on replicas
                .setUseReplicas(RedisReplicas.NEVER);
        config.endpoints().forEach(options::addConnectionString);
        return options;
    }

    Vertx vertx() {
        return vertx;
    }

    RedisTierConfig config() {
        return config;
    }

    TierMetrics metrics() {
        return metrics;
    }

    /** Sends one command; the stage fails after the command timeout even if Redis never answers. */
    CompletableFuture<Response> send(Request request) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        long timer = vertx.setTimer(timeoutMillis, id -> result.completeExceptionally(new TimeoutException(
                "redis " + request.command() + " got no answer within " + timeoutMillis + " ms from " + config.url()
                        + " (pool " + config.poolSize() + ", max waiting " + config.maxPoolWaiting() + ")")));
        Future<Response> sent;
        try {
            sent = redis.send(request);
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        sent.onComplete(response -> {
            vertx.cancelTimer(timer);
            result.complete(response);
        }, error -> {
            vertx.cancelTimer(timer);
            result.completeExceptionally(error);
        });
        return result;
    }

    /** Runs a script by its SHA-1; on NOSCRIPT (a node that restarted or never saw it) sends the source once. */
    CompletableFuture<Response> eval(LuaScript script, List<byte[]> keys, List<Object> args) {
        return send(scriptRequest(Command.EVALSHA, script.sha1(), keys, args)).handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            Throwable cause = unwrap(error);
            if (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT")) {
                return send(scriptRequest(Command.EVAL, script.source(), keys, args));
            }
            return CompletableFuture.<Response>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    /** Counts a failure of {@code op} and warns at most once per interval; the caller degrades. */
    void failed(String op, Throwable error) {
        metrics.counter("cache.l2.errors", "op", op).increment();
        failures.warn("redis tier '" + op + "' degraded (miss / skipped) against " + config.url(), unwrap(error));
    }

    Redis redis() {
        return redis;
    }

    Future<Void> close() {
        return redis.close();
    }

    private static Request scriptRequest(Command command, String script, List<byte[]> keys, List<Object> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        for (Object arg : args) {
            switch (arg) {
                case byte[] bytes -> request.arg(bytes);
                case Long number -> request.arg(number.longValue());
                case String text -> request.arg(text);
                default -> throw new IllegalArgumentException("unsupported script argument " + arg.getClass());
            }
        }
        return request;
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
