package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard on a bare Vert.x server over loopback: the header deadline and the open-connection count
 * (the server has h2c off, as {@code serve}'s public port: see the guard's design note).
 */
@Unit
class ConnectionGuardTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIncompleteHeaderIsClosedAtTheDeadlineAndTheCountFollows() throws Exception {
        ConnectionGuard guard = new ConnectionGuard(vertx, new ConnectionGuard.Config(Duration.ofMillis(300), 100, 100),
                new SimpleMeterRegistry());
        HttpServer server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false)).connectionHandler(guard::accept)
                .requestHandler(guard.requests(req -> req.response().end("ok")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                read = -2;
            } catch (java.io.IOException reset) {
                read = -1;
            }
            assertThat(read).as("closed by the server without an answer").isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> guard.openConnections() == 0);
    }

    @Test
    void aKeepAliveConnectionWithSteadyRequestsOutlivesManyDeadlines() throws Exception {
        // 300 ms header deadline: an idle keep-alive connection is looked at every KEEP_ALIVE_PERIODS x 300 ms = 1.8 s
        ConnectionGuard guard = new ConnectionGuard(vertx, new ConnectionGuard.Config(Duration.ofMillis(300), 100, 100),
                new SimpleMeterRegistry());
        HttpServer server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(guard::accept).requestHandler(guard.requests(req -> req.response().end("ok")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            // 120 requests, each started at least 50 ms after the previous one ended (a fixed-delay schedule): the
            // connection lives at least 6 s, three keep-alive periods, and is never idle for more than a fraction of one
            ScheduledExecutorService client = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger answered = new AtomicInteger();
            CompletableFuture<Void> failed = new CompletableFuture<>();
            client.scheduleWithFixedDelay(() -> {
                try {
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] head = new byte[17];
                    int n = in.readNBytes(head, 0, head.length);
                    String status = new String(head, 0, n, StandardCharsets.US_ASCII);
                    if (!status.startsWith("HTTP/1.1 200")) {
                        throw new AssertionError("answer " + answered.get() + ": " + status);
                    }
                    drainResponse(in);
                    answered.incrementAndGet();
                } catch (Throwable t) {
                    failed.completeExceptionally(t);
                    throw new IllegalStateException(t); // ends the schedule
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 120 || failed.isDone());
            } finally {
                client.shutdownNow();
                client.awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(failed).isNotDone();
            assertThat(answered.get()).isGreaterThanOrEqualTo(120);
            assertThat(guard.openConnections()).isEqualTo(1);
        }
    }

    /** Reads the rest of a "content-length: 2" response ("ok") after its first bytes. */
    private static void drainResponse(InputStream in) throws java.io.IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed mid-response");
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        in.readNBytes(2);
    }
}
