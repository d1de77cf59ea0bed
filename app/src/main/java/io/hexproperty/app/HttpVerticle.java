package io.hexproperty.app;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/** One HTTP server per event loop, all on the same port (Vert.x balances connections across them). */
final class HttpVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final Handler<HttpServerRequest> handler;
    private final long drainMillis;
    private final io.hexproperty.http.ConnectionGuard guard;
    private HttpServer server;

    HttpVerticle(String host, int port, Handler<HttpServerRequest> handler, long drainMillis) {
        this(host, port, handler, drainMillis, null);
    }

    /** With {@code guard} (may be null: none) enforcing the header deadline and connection caps. */
    HttpVerticle(String host, int port, Handler<HttpServerRequest> handler, long drainMillis,
                 io.hexproperty.http.ConnectionGuard guard) {
        this.host = host;
        this.port = port;
        this.handler = handler;
        this.drainMillis = drainMillis;
        this.guard = guard;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions()
                // No h2c: its protocol detection holds a connection before the guard sees it (ConnectionGuard)
                .setHttp2ClearTextEnabled(guard == null)
                .setCompressionSupported(true)
                .setCompressionLevel(5)
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(16 * 1024)
                .setIdleTimeout(120)
                .setTcpNoDelay(true));
        if (guard != null) {
            return server.connectionHandler(guard::accept).requestHandler(guard.requests(handler)).listen(port, host);
        }
        return server.requestHandler(handler).listen(port, host);
    }

    @Override
    public Future<?> stop() {
        // Stops accepting, lets in-flight requests finish, then closes what is left.
        return server == null ? Future.succeededFuture() : server.shutdown(drainMillis, TimeUnit.MILLISECONDS);
    }

    int actualPort() {
        return server.actualPort();
    }
}
