package io.hexproperty.loadtest.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.loadtest.StubServer;
import io.hexproperty.loadtest.workload.ArrivalSchedule;
import io.hexproperty.loadtest.workload.Mix;
import io.hexproperty.loadtest.workload.Profile;
import io.hexproperty.loadtest.workload.RequestKind;
import io.hexproperty.testing.lane.Timing;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gil Tene's demonstration: a server that stalls 1 s every 10 s, driven at a constant rate.
 * Measured from the intended start, the stall shows: about 10% of requests wait up to a second,
 * so p99.9 is far above 500 ms. A closed-loop client on the same server at the same rate (send,
 * wait for the answer, send the next, measure from the actual send) sees only the one request
 * that was in flight during each stall, and reports a p99.9 that hides it.
 */
@Timing
class CoordinatedOmissionTest {

    static final int RATE = 200;
    static final Duration RUN = Duration.ofSeconds(20);

    @Test
    void stallIsVisibleFromIntendedStartButHiddenFromAClosedLoop(@TempDir Path dir) {
        try (StubServer stub = new StubServer(0, new StubServer.Stall(10_000, 5_000, 1_000), null)) {
            ClosedLoop closed = new ClosedLoop(stub.port());
            closed.start();

            Profile.Plan plan = new Profile.Plan(Profile.SMOKE, ArrivalSchedule.constant(RATE, RUN), List.of(), false);
            LoadtestConfig config = LoadtestConfig.of(stub.url() + "/", plan, dir).withMix(Mix.only(RequestKind.TARGET));
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            RunResult result = new LoadRun(config, new PrintStream(console, true, StandardCharsets.UTF_8)).execute();

            await().atMost(Duration.ofSeconds(15)).until(closed::done);
            Histogram open = result.total().latency;
            String report = console.toString(StandardCharsets.UTF_8)
                    + String.format("%nopen-model p50 %d p99 %d p99.9 %d max %d us (n=%d); closed-loop p50 %d p99 %d p99.9 %d max %d us (n=%d)",
                    open.getValueAtPercentile(50), open.getValueAtPercentile(99), open.getValueAtPercentile(99.9), open.getMaxValue(),
                    open.getTotalCount(), closed.latency.getValueAtPercentile(50), closed.latency.getValueAtPercentile(99),
                    closed.latency.getValueAtPercentile(99.9), closed.latency.getMaxValue(), closed.latency.getTotalCount());
            System.out.println(report);

            // Every scheduled start was issued, none dropped: the stall did not slow the schedule.
            assertThat(result.total().sent).as(report).isEqualTo(RATE * RUN.toSeconds());
            assertThat(result.total().dropped).isZero();
            assertThat(result.total().completed).isEqualTo(result.total().sent);
            // Pooled keep-alive: 4000 requests over at most the pool's 64 connections (+1 closed loop).
            assertThat(stub.connections.get()).as(report).isLessThanOrEqualTo(EngineConfig.defaults().connections() + 1);
            // Two stalls of 1 s in 20 s: ~10% of requests wait, the corrected tail shows it.
            assertThat(open.getValueAtPercentile(99.9)).as(report).isGreaterThanOrEqualTo(500_000);
            assertThat(open.getValueAtPercentile(95)).as(report).isGreaterThanOrEqualTo(100_000);
            // The closed loop saw the stalls (its max is a stall) but its p99.9 hides them.
            assertThat(closed.latency.getMaxValue()).as(report).isGreaterThanOrEqualTo(500_000);
            assertThat(closed.latency.getValueAtPercentile(99.9)).as(report).isLessThan(500_000);
        }
    }

    /** One connection, one request at a time, paced to RATE, latency from the actual send. */
    static final class ClosedLoop {
        final Histogram latency = new Histogram(3_600_000_000L, 3);
        private final Vertx vertx = Vertx.vertx();
        private final HttpClient client;
        private final int port;
        private final AtomicBoolean done = new AtomicBoolean();
        private long start;
        private long n;

        ClosedLoop(int port) {
            this.port = port;
            client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
        }

        void start() {
            vertx.runOnContext(v -> {
                start = System.nanoTime();
                next();
            });
        }

        private void next() {
            long now = System.nanoTime();
            if (now - start >= RUN.toNanos()) {
                vertx.close();
                done.set(true);
                return;
            }
            long due = start + n * 1_000_000_000L / RATE;
            if (due > now + 1_000_000) {
                vertx.setTimer((due - now) / 1_000_000, t -> send());
            } else {
                send();
            }
        }

        private void send() {
            n++;
            long sent = System.nanoTime();
            client.request(HttpMethod.GET, port, "127.0.0.1", "/")
                    .compose(r -> r.send().compose(resp -> resp.end()))
                    .onComplete(ar -> {
                        latency.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
                        next();
                    });
        }

        boolean done() {
            return done.get();
        }
    }
}
