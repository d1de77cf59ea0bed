package io.hexproperty.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The management port: one small HTTP/1.1 server (its traffic is a scrape every few seconds, an
 * operator and a dashboard). No h2c upgrade: Prometheus speaks HTTP/1.1, and the Java client's h2c
 * upgrade of a large compressed scrape broke the stream in tests.
 */
final class ManagementServer extends VerticleBase {
    private final ManagementConfig config;
    private final Router router;
    private final long drainMillis;
    private HttpServer server;

    private ManagementServer(ManagementConfig config, Router router, long drainMillis) {
        this.config = config;
        this.router = router;
        this.drainMillis = drainMillis;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions()
                .setCompressionSupported(true)
                .setHttp2ClearTextEnabled(false)
                .setMaxHeaderSize(16 * 1024)
                .setIdleTimeout(120));
        return server.requestHandler(router).listen(config.port(), config.host());
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(drainMillis, TimeUnit.MILLISECONDS);
    }

    /** Binds {@code router} where {@code config} says; returns the deployment id and the bound port. */
    static Bound bind(Vertx vertx, ManagementConfig config, Router router, long drainMillis) {
        ManagementServer verticle = new ManagementServer(config, router, drainMillis);
        try {
            String id = vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
            return new Bound(id, verticle.server.actualPort());
        } catch (Exception e) {
            String message = Errors.oneLine(e);
            if (message.toLowerCase().contains("address already in use")) {
                throw new StartupException("management port " + config.port()
                        + " is already in use; stop the other process or choose another with --management-port");
            }
            throw new StartupException("cannot listen on " + config.host() + ":" + config.port()
                    + " (management port): " + message);
        }
    }

    record Bound(String deployment, int port) {
    }
}
