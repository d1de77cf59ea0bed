package io.hexproperty.balancer.gateway;

import io.hexproperty.balancer.algorithms.Endpoint;
import io.hexproperty.balancer.algorithms.PeakEwma;
import io.hexproperty.balancer.algorithms.ResourceReport;
import io.hexproperty.balancer.health.HealthStatus;
import io.hexproperty.balancer.health.OutlierDetector;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One origin as the gateway tracks it: live counters written by the data plane, health written by the
 * checkers, and the ejection state of passive detection. Thread-safe; {@link #endpoint} takes the
 * immutable view an algorithm sees.
 */
final class Worker {
    final String id;
    final URI origin;
    final SocketAddress address;
    final String host;
    final int port;
    final int agentPort;
    final double weight;
    final HealthStatus health;
    final OutlierDetector outlier;
    final PeakEwma latency;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong retriedAway = new AtomicLong();
    volatile ResourceReport resources = ResourceReport.none();
    volatile String agentError;
    volatile boolean draining;
    /** Why its process is gone (it exited and is being restarted); null while it runs. */
    volatile String exited;
    /** In the warm pool: checked and polled, never routed to, until admitted. */
    volatile boolean standby;
    volatile long inServiceSinceNanos = -1;
    final CompletableFuture<Void> drained = new CompletableFuture<>();
    final long addedAtEpochMillis;

    Worker(String id, URI origin, double weight, int agentPort, HealthStatus health, OutlierDetector outlier,
           PeakEwma latency, long addedAtEpochMillis) {
        this.id = id;
        this.origin = origin;
        this.address = SocketAddress.inetSocketAddress(origin.getPort(), origin.getHost());
        this.host = origin.getHost();
        this.port = origin.getPort();
        this.weight = weight;
        this.agentPort = agentPort;
        this.health = health;
        this.outlier = outlier;
        this.latency = latency;
        this.addedAtEpochMillis = addedAtEpochMillis;
    }

    Endpoint endpoint(double slowStartFactor) {
        return new Endpoint(id, weight * slowStartFactor, inFlight.get(), latency.cost(), resources);
    }

    void begin() {
        inFlight.incrementAndGet();
        requests.incrementAndGet();
    }

    void end() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            drained.complete(null);
        }
    }
}
