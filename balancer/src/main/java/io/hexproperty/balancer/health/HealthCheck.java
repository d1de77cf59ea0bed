package io.hexproperty.balancer.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One probe of one worker. A failed future means unhealthy; its message is what the health history shows.
 * Probes must honour {@code timeout} themselves; the checker also abandons a probe that overruns it.
 */
public interface HealthCheck {
    Future<Void> probe(URI origin, Duration timeout);

    /** A short description for the admin view ("tcp", "http GET /health/ready -> 200"). */
    String describe();

    /** A TCP connect to the origin's host and port. */
    static HealthCheck tcp(Vertx vertx) {
        NetClient client = vertx.createNetClient(new NetClientOptions().setReuseAddress(true));
        return new HealthCheck() {
            @Override
            public Future<Void> probe(URI origin, Duration timeout) {
                return client.connect(new io.vertx.core.net.ConnectOptions().setHost(origin.getHost())
                                .setPort(origin.getPort()).setTimeout((int) timeout.toMillis()))
                        .compose(socket -> socket.close());
            }

            @Override
            public String describe() {
                return "tcp";
            }
        };
    }

    /**
     * An HTTP GET of {@code path}; healthy when the status is {@code expectedStatus} and, when
     * {@code bodyContains} is not null, the body contains it.
     */
    static HealthCheck http(Vertx vertx, String path, int expectedStatus, String bodyContains) {
        HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(2));
        return new HealthCheck() {
            @Override
            public Future<Void> probe(URI origin, Duration timeout) {
                RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(origin.getHost())
                        .setPort(origin.getPort()).setURI(path).setTimeout(timeout.toMillis())
                        .setConnectTimeout(timeout.toMillis());
                return client.request(options).compose(req -> req.send())
                        .compose(resp -> resp.body().compose(body -> verdict(resp, body)));
            }

            private Future<Void> verdict(HttpClientResponse resp, Buffer body) {
                if (resp.statusCode() != expectedStatus) {
                    return Future.failedFuture("GET " + path + " answered " + resp.statusCode() + ", expected " + expectedStatus);
                }
                if (bodyContains != null && !body.toString().contains(bodyContains)) {
                    return Future.failedFuture("GET " + path + " body does not contain '" + bodyContains + "'");
                }
                return Future.succeededFuture();
            }

            @Override
            public String describe() {
                return "http GET " + path + " -> " + expectedStatus + (bodyContains == null ? "" : " containing '" + bodyContains + "'");
            }
        };
    }

    /** A Java check: the stage completes normally when healthy. */
    static HealthCheck custom(String description, Function<URI, CompletionStage<Void>> check) {
        return new HealthCheck() {
            @Override
            public Future<Void> probe(URI origin, Duration timeout) {
                return Future.fromCompletionStage(check.apply(origin));
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /**
     * A command (e.g. a replication-lag script): healthy when it exits 0 within the timeout. It sees the
     * worker as {@code HEXPROPERTY_WORKER_URL}; it runs on a worker thread, never on an event loop.
     */
    static HealthCheck command(Vertx vertx, List<String> argv) {
        List<String> command = List.copyOf(argv);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("health command must not be empty");
        }
        return new HealthCheck() {
            @Override
            public Future<Void> probe(URI origin, Duration timeout) {
                return vertx.executeBlocking(() -> {
                    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    pb.environment().put("HEXPROPERTY_WORKER_URL", origin.toString());
                    Process p = pb.start();
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        throw new IllegalStateException(command.get(0) + " did not finish within " + timeout.toMillis() + "ms");
                    }
                    if (p.exitValue() != 0) {
                        throw new IllegalStateException(command.get(0) + " exited " + p.exitValue());
                    }
                    return null;
                }, false);
            }

            @Override
            public String describe() {
                return "command " + String.join(" ", command);
            }
        };
    }
}
