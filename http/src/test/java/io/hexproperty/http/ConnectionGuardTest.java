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
}
