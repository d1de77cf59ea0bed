package io.hexproperty.app;

import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.scaling.Autoscaler;
import io.hexproperty.balancer.scaling.AutoscalerAdmin;
import io.hexproperty.balancer.scaling.EventBoard;
import io.hexproperty.balancer.scaling.ScalingConfig;
import io.hexproperty.balancer.scaling.ConnectionBudget;
import io.hexproperty.balancer.scaling.WarmPool;
import io.hexproperty.balancer.scaling.WorkerSize;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.time.Clock;
import java.time.Duration;

/** Wiring of the gateway's autoscaler: policy, control loop (1 s), admin routes, the cluster dashboard on the admin port. */
final class AutoscaleWiring {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private AutoscaleWiring() {}

    static Autoscaler start(AutoscaleOptions options, int poolPerWorker, GatewayRuntime gateway, WorkerFleet fleet,
                            BiFunction<WorkerSize, ConnectionBudget, CompletableFuture<Void>> resizer,
                            java.util.function.Supplier<WorkerSize> currentSize, PrintStream console) {
        ScalingConfig config = options.config(poolPerWorker);
        EventBoard events = EventBoard.empty();
        WarmPool warm = new WarmPool(fleet, options.warmPoolSize(config), config.maxWorkers(), config.budget(), System::nanoTime);
        Autoscaler autoscaler = new Autoscaler(gateway.vertx, options.policy(config, events), config, gateway.gateway(), gateway.pool,
                fleet, events, warm, Clock.systemUTC()).start(INTERVAL);
        // a vertical roll adds and removes workers itself: the autoscaler holds meanwhile, or it would undo the surge
        AutoscalerAdmin admin = new AutoscalerAdmin(autoscaler, size -> {
            CompletableFuture<Void> roll = resizer.apply(size, config.budget());
            autoscaler.hold(true);
            return roll.whenComplete((v, e) -> {
                warm.recycle(); // standbys still have the old size; the next control step starts new ones
                autoscaler.hold(false);
            });
        }, currentSize);
        gateway.extendAdmin(admin);
        // the same page as a worker's management port; its points carry the cluster instead of one worker's metrics
        io.vertx.ext.web.Router pages = io.vertx.ext.web.Router.router(gateway.vertx);
        new io.hexproperty.http.Dashboard(gateway.vertx, () -> admin.dashboardPoint().encode()).mount(pages);
        gateway.adminPages(pages);
        console.println("hexproperty: autoscaler on (" + options.policy + ", " + config.minWorkers() + ".." + config.maxWorkers()
                + " workers, warm pool " + warm.size() + (config.workerCapacityRps() > 0 ? ", emulated capacity " + config.workerCapacityRps() + " rps per worker" : "")
                + "; connection budget allows " + config.budget().maxWorkers() + "); cluster dashboard: /dashboard on admin port "
                + gateway.adminPort());
        return autoscaler;
    }
}
