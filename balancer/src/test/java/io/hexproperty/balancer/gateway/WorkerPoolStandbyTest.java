package io.hexproperty.balancer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.balancer.algorithms.Endpoint;
import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Standby members of the pool (the warm pool's): listed, never a candidate, not even in panic, until admitted. */
@Tag("unit")
class WorkerPoolStandbyTest {
    private final Vertx vertx = Vertx.vertx();
    private final WorkerPool pool = new WorkerPool(vertx, PoolConfig.defaults(), List.of(), System::nanoTime, Clock.systemUTC());

    @AfterEach
    void tearDown() throws Exception {
        pool.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private List<String> candidates() {
        return pool.candidates().stream().map(Endpoint::id).toList();
    }

    @Test
    void aStandbyIsNoCandidateEvenInPanicUntilAdmitted() {
        pool.add("worker-1", URI.create("http://127.0.0.1:1"), 1, 0);
        pool.addStandby("worker-2", URI.create("http://127.0.0.1:2"), 1, 0);
        assertThat(candidates()).containsExactly("worker-1");
        assertThat(pool.workers()).extracting(WorkerView::state).containsExactly("up", "standby");
        assertThat(pool.isStandby("worker-2")).isTrue();

        // worker-1 refuses a connection and is ejected: no eligible worker, panic spreads over the active ones,
        // and a standby is not one of them
        pool.record(pool.worker("worker-1"), Outcome.UNREACHABLE);
        assertThat(pool.workers().getFirst().state()).isEqualTo("ejected");
        assertThat(candidates()).containsExactly("worker-1");

        pool.admit("worker-2");
        assertThat(pool.isStandby("worker-2")).isFalse();
        assertThat(candidates()).containsExactly("worker-2"); // the only eligible one: no panic any more
        assertThatThrownBy(() -> pool.admit("worker-2")).hasMessageContaining("worker-2 is not a standby (state up)");
        assertThatThrownBy(() -> pool.admit("worker-9")).hasMessageContaining("no worker 'worker-9'");
    }
}
