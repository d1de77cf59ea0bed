package io.hexproperty.app;

import io.hexproperty.balancer.gateway.WorkerFleet;
import io.hexproperty.balancer.scaling.Autoscaler;
import io.hexproperty.balancer.scaling.AutoscalerAdmin;
import io.hexproperty.balancer.scaling.EventBoard;
import io.hexproperty.balancer.scaling.ScalingConfig;
import io.hexproperty.balancer.scaling.ConnectionBudget;
import io.hexproperty.balancer.scaling.WorkerSize;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.time.Clock;
import java.time.Duration;

/** Wiring of the gateway's autoscaler: policy, control loop (1 s), admin routes. */
final class AutoscaleWiring {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private AutoscaleWiring() {}

    static Autoscaler start(AutoscaleOptions options, int poolPerWorker, GatewayRuntime gateway, WorkerFleet fleet,
                            BiFunction<WorkerSize, ConnectionBudget, CompletableFuture<Void>> resizer, PrintStream console) {
        ScalingConfig config = options.config(poolPerWorker);
        EventBoard events = EventBoard.empty();
        Autoscaler autoscaler = new Autoscaler(gateway.vertx, options.policy(config, events), config, gateway.gateway(), gateway.pool,
                fleet, events, Clock.systemUTC()).start(INTERVAL);
        // a vertical roll adds and removes workers itself: the autoscaler holds meanwhile, or it would undo the surge
        gateway.extendAdmin(new AutoscalerAdmin(autoscaler, size -> {
            CompletableFuture<Void> roll = resizer.apply(size, config.budget());
            autoscaler.hold(true);
            return roll.whenComplete((v, e) -> autoscaler.hold(false));
        }));
        console.println("hexproperty: autoscaler on (" + options.policy + ", " + config.minWorkers() + ".." + config.maxWorkers()
                + " workers" + (config.workerCapacityRps() > 0 ? ", emulated capacity " + config.workerCapacityRps() + " rps per worker" : "")
                + "; connection budget allows " + config.budget().maxWorkers() + ")");
        return autoscaler;
    }
}
