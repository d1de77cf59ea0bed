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
import java.util.concurrent.TimeUnit;
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
        ConnectionGuard guard = new ConnectionGuard(vertx, new ConnectionGuard.Config(Duration.ofSeconds(2), 100, 100),
                new SimpleMeterRegistry());
        HttpServer server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(guard::accept).requestHandler(guard.requests(req -> req.response().end("ok")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos(); // three deadlines
            int answered = 0;
            while (System.nanoTime() < until) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] head = new byte[17];
                int n = in.readNBytes(head, 0, head.length);
                assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).as("answer %d", answered).startsWith("HTTP/1.1 200");
                drainResponse(in);
                answered++;
                Thread.sleep(50); // pacing of the client, not a wait for a result
            }
            assertThat(answered).isGreaterThan(10);
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
