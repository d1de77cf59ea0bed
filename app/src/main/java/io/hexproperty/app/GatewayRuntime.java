package io.hexproperty.app;

import io.hexproperty.balancer.gateway.ClusterAdmin;
import io.hexproperty.balancer.gateway.Gateway;
import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.gateway.WorkerPool;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Wiring of the balancing data plane: Vert.x, the worker pool, the gateway and its admin port. Returns
 * what it built; {@link #close()} undoes it in reverse (LIFO closer).
 */
final class GatewayRuntime implements AutoCloseable {
    final Vertx vertx;
    final WorkerPool pool;
    private Gateway gateway;
    private ClusterAdmin admin;
    private final Deque<AutoCloseable> closers = new ArrayDeque<>();

    GatewayRuntime(BalancerOptions options) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, ServeCommand.CORES)));
        closers.push(() -> vertx.close().await(10, TimeUnit.SECONDS));
        pool = new WorkerPool(vertx, options.poolConfig(), options.checks(vertx), System::nanoTime, Clock.systemUTC());
        closers.push(pool);
    }

    /** Starts the data plane and the admin port (workers may be added before or after). */
    GatewayRuntime start(BalancerOptions options, String host, int port, String adminHost, int adminPort, String token,
                         WorkerFleet fleet) throws Exception {
        gateway = Gateway.start(vertx, options.gatewayConfig(host, port), options.edgeCacheConfig(), pool, options.algorithm(options.balancer),
                System::nanoTime).await(30, TimeUnit.SECONDS);
        closers.push(gateway);
        admin = ClusterAdmin.start(vertx, adminHost, adminPort, gateway, fleet, token, options::algorithm)
                .await(30, TimeUnit.SECONDS);
        closers.push(admin);
        return this;
    }

    Gateway gateway() {
        return gateway;
    }

    int adminPort() {
        return admin.port();
    }

    /** Plugs more admin routes in (the autoscaler's). */
    void extendAdmin(io.hexproperty.balancer.gateway.AdminExtension extension) {
        admin.extend(extension);
    }

    /** Serves pages (the dashboard) on the admin port, without the token. */
    void adminPages(io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> pages) {
        admin.pages(pages);
    }

    /** Stops the admin port and stops accepting requests; in-flight requests finish (bounded by the server shutdown). */
    void stopAccepting() {
        if (admin != null) {
            admin.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Override
    public void close() {
        while (!closers.isEmpty()) {
            try {
                closers.pop().close();
            } catch (Exception e) {
                System.err.println("hexproperty: gateway did not close cleanly: " + Errors.oneLine(e));
            }
        }
    }
}
