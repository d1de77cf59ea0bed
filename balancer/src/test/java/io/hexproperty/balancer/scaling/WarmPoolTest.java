package io.hexproperty.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.balancer.gateway.WorkerFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The warm pool's logic against an in-memory fleet whose every action stays pending until the test completes
 * it, so that each interleaving (a scale-out while a replacement starts, a scale-in while the pool is short)
 * is set up by hand, without processes, sockets or clocks.
 */
@Tag("unit")
class WarmPoolTest {
    /** A fleet that records what it was asked and lets the test finish each action. */
    private static final class FakeFleet implements WorkerFleet {
        final List<String> running = new ArrayList<>();
        final List<CompletableFuture<String>> standbyStarts = new ArrayList<>();
        final List<String> admitted = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();
        final List<CompletableFuture<Void>> parks = new ArrayList<>();
        final List<String> parked = new ArrayList<>();
        int next = 1;

        @Override
        public CompletionStage<String> addWorker() {
            String id = "worker-" + next++;
            running.add(id);
            return CompletableFuture.completedFuture(id);
        }

        @Override
        public CompletionStage<String> addStandby() {
            CompletableFuture<String> f = new CompletableFuture<>();
            standbyStarts.add(f);
            return f;
        }

        /** Completes the {@code i}th standby start: the process runs and is warm. */
        String finishStandby(int i) {
            String id = "worker-" + next++;
            running.add(id);
            standbyStarts.get(i).complete(id);
            return id;
        }

        @Override
        public CompletionStage<Void> admit(String id) {
            admitted.add(id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> park(String id) {
            parked.add(id);
            CompletableFuture<Void> f = new CompletableFuture<>();
            parks.add(f);
            return f;
        }

        @Override
        public CompletionStage<Void> removeWorker(String id) {
            stopped.add(id);
            running.remove(id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public List<String> workerIds() {
            return List.copyOf(running);
        }
    }

    private final FakeFleet fleet = new FakeFleet();
    private final AtomicLong nanos = new AtomicLong();

    private WarmPool pool(int size, int max, ConnectionBudget budget) {
        return new WarmPool(fleet, size, max, budget, nanos::get);
    }

    @Test
    void aScaleOutAdmitsTheWarmStandbyAtOnceAndOnlyThenIsAReplacementStarted() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        assertThat(warm.refill(1)).isNull();
        assertThat(fleet.standbyStarts).hasSize(1);
        warm.refill(1);
        assertThat(fleet.standbyStarts).as("a starting standby counts: no second start").hasSize(1);
        String standby = fleet.finishStandby(0);
        assertThat(warm.warm()).containsExactly(standby);

        assertThat(warm.admit(2)).containsExactly(standby); // one warm standby for a +2: the caller starts the other cold
        assertThat(fleet.admitted).containsExactly(standby);
        assertThat(warm.warm()).isEmpty();
        assertThat(fleet.standbyStarts).as("the admission does not wait for, nor start, the replacement").hasSize(1);

        warm.refill(3); // in rotation after the decision: 1 + the admitted + 1 cold
        assertThat(fleet.standbyStarts).hasSize(2);
        assertThat(warm.starting()).isEqualTo(1);
        assertThat(warm.admitted()).isEqualTo(1);
        assertThat(warm.admit(1)).as("nothing warm while the replacement starts").isEmpty();
    }

    @Test
    void aScaleOutClaimsAStartingStandbyAndTheRefillReplacesItAtOnce() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        warm.refill(1);
        assertThat(warm.admit(1)).as("nothing warm yet").isEmpty();
        List<CompletableFuture<String>> claims = warm.claim(2);
        assertThat(claims).as("one standby is starting: one claim").hasSize(1);
        assertThat(warm.running()).as("claimed: in rotation now, no longer a standby").isZero();
        assertThat(warm.counted()).isZero();

        warm.refill(2); // 1 + the claimed one in rotation: the pool is short, a replacement starts
        assertThat(fleet.standbyStarts).hasSize(2);
        String first = fleet.finishStandby(0);
        assertThat(claims.getFirst()).isCompletedWithValue(first);
        assertThat(fleet.admitted).containsExactly(first);
        assertThat(warm.warm()).as("admitted at once, never warm in the pool").isEmpty();
        String second = fleet.finishStandby(1);
        assertThat(warm.warm()).containsExactly(second);
        assertThat(warm.admitted()).isEqualTo(1);

        warm.refill(2);
        assertThat(warm.claim(1)).as("nothing starting").isEmpty();
    }

    @Test
    void aClaimedStandbyThatFailsToStartFailsItsClaim() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        warm.refill(1);
        CompletableFuture<String> claim = warm.claim(1).getFirst();
        fleet.standbyStarts.getFirst().completeExceptionally(new IllegalStateException("worker-1 exited with 1"));
        assertThat(claim).isCompletedExceptionally();
        assertThat(warm.claimed()).isZero();
        assertThat(warm.starting()).isZero();
    }

    @Test
    void thePoolNeverHoldsMoreStandbysThanCouldBeAdmittedAndStopsTheSurplus() {
        WarmPool warm = pool(2, 4, ConnectionBudget.defaults());
        assertThat(warm.target(1)).isEqualTo(2);
        assertThat(warm.target(3)).isEqualTo(1);
        assertThat(warm.target(4)).isZero();
        warm.refill(1);
        String a = fleet.finishStandby(0);
        String b = fleet.finishStandby(1);
        assertThat(warm.warm()).containsExactly(a, b);

        warm.refill(4); // cold scale-outs reached the maximum: no standby could ever be admitted
        assertThat(fleet.stopped).containsExactly(b, a); // newest first: the oldest is the warmest
        assertThat(warm.running()).isZero();
        assertThat(fleet.standbyStarts).hasSize(2);
    }

    @Test
    void aStandbyTheBudgetCannotHoldIsRefusedWithItsCounts() {
        // 100 - 10 = 90 usable, pool 8: 11 workers; 10 in rotation leave room for one standby, not two
        WarmPool warm = pool(2, 20, new ConnectionBudget(100, 10, 8));
        String refusal = warm.refill(10);
        assertThat(fleet.standbyStarts).hasSize(1);
        assertThat(refusal).isEqualTo("warm pool: refused standby 2 of 2: 10 in rotation + 2 standby: "
                + "12 workers x pool 8 = 96 connections > max_connections 100 - reserve 10 = 90");
        assertThat(warm.lastRefusal()).isEqualTo(refusal);
        assertThat(warm.refused()).isEqualTo(1);

        // the cluster shrank: the second standby fits now, and the refusal is cleared
        assertThat(warm.refill(9)).isNull();
        assertThat(fleet.standbyStarts).hasSize(2);
        assertThat(warm.lastRefusal()).isNull();
        assertThat(warm.counted()).isEqualTo(2);
    }

    @Test
    void aScaleInDrainsBackIntoAShortPoolAndStopsWhenThePoolIsFull() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        CompletableFuture<Void> first = warm.retire("worker-3", 3).toCompletableFuture(); // 4 -> 3: target 1, pool empty
        assertThat(fleet.parked).containsExactly("worker-3");
        assertThat(fleet.stopped).isEmpty();
        assertThat(warm.returning()).isEqualTo(1);

        warm.refill(3);
        assertThat(fleet.standbyStarts).as("a returning worker fills the pool: no start meanwhile").isEmpty();
        CompletableFuture<Void> second = warm.retire("worker-2", 2).toCompletableFuture(); // the pool is full (returning)
        assertThat(fleet.stopped).containsExactly("worker-2");
        assertThat(second).isCompleted();

        assertThat(first).isNotDone(); // still draining: in-flight requests finish first
        fleet.running.add("worker-3");
        fleet.parks.getFirst().complete(null);
        assertThat(first).isCompleted();
        assertThat(warm.warm()).containsExactly("worker-3");
        assertThat(warm.returned()).isEqualTo(1);
        assertThat(warm.admit(1)).containsExactly("worker-3");
    }

    @Test
    void aFailedReturnIsStoppedByTheFleetAndLeavesThePoolShort() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        CompletableFuture<Void> back = warm.retire("worker-2", 1).toCompletableFuture();
        fleet.parks.getFirst().completeExceptionally(new IllegalStateException("worker-2 exited while draining"));
        assertThat(back).isCompletedExceptionally();
        assertThat(warm.returning()).isZero();
        assertThat(warm.failed()).isEqualTo(1);
        warm.refill(1);
        assertThat(fleet.standbyStarts).hasSize(1);
    }

    @Test
    void aFailedStartBacksOffAndAStandbyStoppedElsewhereIsForgotten() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        warm.refill(1);
        fleet.standbyStarts.getFirst().completeExceptionally(new IllegalStateException("worker-1 was not ready within 600 s"));
        assertThat(warm.failed()).isEqualTo(1);
        warm.refill(1);
        assertThat(fleet.standbyStarts).as("no retry within the back-off").hasSize(1);
        nanos.addAndGet(WarmPool.RETRY_AFTER.toNanos());
        warm.refill(1);
        assertThat(fleet.standbyStarts).hasSize(2);
        String id = fleet.finishStandby(1);
        assertThat(warm.warm()).containsExactly(id);

        fleet.running.remove(id); // an operator's DELETE /admin/cluster/workers/{id}, or the process died
        warm.refill(1);
        assertThat(warm.warm()).isEmpty();
        assertThat(fleet.standbyStarts).as("and is replaced").hasSize(3);
    }

    @Test
    void recycleStopsEveryWarmStandbyAndNoneIsAWarmPoolOfNothing() {
        WarmPool warm = pool(1, 4, ConnectionBudget.defaults());
        warm.refill(1);
        String id = fleet.finishStandby(0);
        warm.recycle(); // after a rolling resize: the standby has the old size
        assertThat(fleet.stopped).containsExactly(id);
        warm.refill(1);
        assertThat(fleet.standbyStarts).hasSize(2);

        WarmPool none = WarmPool.none();
        assertThat(none.refill(1)).isNull();
        assertThat(none.admit(3)).isEmpty();
        assertThat(none.target(0)).isZero();
    }
}
