package io.hexproperty.database.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@Unit
class NodeGateTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Timer waits = Timer.builder("db.pool.wait").register(registry);
    private final AtomicLong ticker = new AtomicLong();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void aFullWaitQueueFailsAtOnceWithThePoolsCounts() {
        NodeGate gate = new NodeGate("replica-1", 2, 1, Duration.ofSeconds(30), vertx, () -> 3, waits, ticker::get);
        CompletableFuture<String> held = new CompletableFuture<>();
        gate.run(() -> held);
        gate.run(() -> held);
        CompletionStage<String> queued = gate.run(() -> CompletableFuture.completedFuture("queued ran"));

        CompletionStage<String> rejected = gate.run(() -> CompletableFuture.completedFuture("never"));

        assertThat(rejected.toCompletableFuture()).isCompletedExceptionally();
        assertThat(cause(rejected)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageStartingWith("pool exhausted on replica-1: 2 active, 1 idle, 1 waiting, waited 0 s");
        assertThat(gate.waiting()).isEqualTo(1);

        ticker.addAndGet(TimeUnit.MILLISECONDS.toNanos(40));
        held.complete("done");
        assertThat(queued.toCompletableFuture().join()).isEqualTo("queued ran");
        assertThat(gate.active()).isZero();
        assertThat(waits.max(TimeUnit.MILLISECONDS)).isEqualTo(40);
    }

    @Test
    void aWaiterPastTheAcquireTimeoutFailsWithHowLongItWaited() {
        NodeGate gate = new NodeGate("primary", 1, 10, Duration.ofMillis(200), vertx, () -> 1, waits, ticker::get);
        gate.run(CompletableFuture::new);

        CompletionStage<String> waiting = gate.run(() -> CompletableFuture.completedFuture("never"));

        await().atMost(Duration.ofSeconds(5)).until(() -> waiting.toCompletableFuture().isDone());
        assertThat(cause(waiting)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageStartingWith("pool exhausted on primary: 1 active, 0 idle, 0 waiting, waited 0.2 s");
        assertThat(gate.waiting()).isZero();
        assertThat(gate.active()).isEqualTo(1);
    }

    @Test
    void aFailingOperationReleasesItsSlot() {
        NodeGate gate = new NodeGate("primary", 1, 0, Duration.ofSeconds(1), vertx, () -> 1, waits, ticker::get);
        CompletionStage<String> failed = gate.run(() -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        assertThat(cause(failed)).hasMessage("boom");
        assertThat(gate.run(() -> CompletableFuture.completedFuture("next")).toCompletableFuture().join()).isEqualTo("next");
    }

    private static Throwable cause(CompletionStage<?> stage) {
        return stage.toCompletableFuture().handle((v, e) -> e).join();
    }
}
