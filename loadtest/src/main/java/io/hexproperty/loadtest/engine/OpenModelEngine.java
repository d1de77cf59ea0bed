package io.hexproperty.loadtest.engine;

import io.hexproperty.loadtest.workload.ArrivalSchedule;
import io.hexproperty.loadtest.workload.RequestKind;
import io.hexproperty.loadtest.workload.RequestSpec;
import io.hexproperty.loadtest.workload.TargetUrl;
import io.hexproperty.loadtest.workload.WorkloadModel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The open-model generator. One platform thread walks the {@link ArrivalSchedule}: it parks until
 * the next intended start, then hands every start that is due to an event loop in one batch, so
 * a slow server never delays the schedule (no coordinated omission). Latency is taken from the
 * intended start; service time from the moment the pool handed over a connection; lateness is
 * how long after its intended time the event loop actually issued the request. If the
 * generator itself falls behind, that shows up as lateness and late starts, never as a quietly
 * lower rate. The thread also samples the number of requests in flight every millisecond, an
 * independent measure of concurrency used to check Little's law.
 */
final class OpenModelEngine {

    private static final long SAMPLE_NANOS = 1_000_000;

    private final ArrivalSchedule schedule;
    private final WorkloadModel workload;
    private final HttpClient client;
    private final TargetUrl target;
    private final EngineConfig settings;
    private final Meters meters;
    private final LongSupplier nanoTime;
    private final Context[] contexts;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final String authorization;
    private volatile boolean stopRequested;
    private volatile boolean scheduleDone;
    private Thread thread;
    private long startNanos;

    OpenModelEngine(Vertx vertx, HttpClient client, TargetUrl target, ArrivalSchedule schedule,
                                    WorkloadModel workload, EngineConfig settings, String token, Meters meters,
                                    LongSupplier nanoTime) {
        this.schedule = schedule;
        this.workload = workload;
        this.client = client;
        this.target = target;
        this.settings = settings;
        this.meters = meters;
        this.nanoTime = nanoTime;
        this.authorization = token == null || token.isBlank() ? null : "Bearer " + token;
        contexts = new Context[settings.eventLoops()];
        for (int i = 0; i < contexts.length; i++) {
            // A context per event loop; batches are spread round-robin over them.
            contexts[i] = vertx.getOrCreateContext();
        }
    }

    /** Starts the schedule now; returns the start instant (nanoTime) that offsets are taken from. */
    long start() {
        startNanos = nanoTime.getAsLong();
        thread = Thread.ofPlatform().name("loadtest-scheduler").daemon().start(this::loop);
        return startNanos;
    }

    private void loop() {
        SplittableRandom random = new SplittableRandom(settings.seed());
        long n = 0;
        long next = schedule.intendedStartNanos(0);
        long nextSample = 0;
        int rr = 0;
        long maxInFlight = settings.maxInFlight();
        while (!stopRequested && next != ArrivalSchedule.END) {
            long now = nanoTime.getAsLong() - startNanos;
            List<Exchange> batch = null;
            while (next != ArrivalSchedule.END && next <= now) {
                if (inFlight.get() >= maxInFlight) {
                    meters.dropped.increment();
                } else {
                    inFlight.incrementAndGet();
                    if (batch == null) {
                        batch = new ArrayList<>();
                    }
                    batch.add(new Exchange(workload.next(random), startNanos + next));
                }
                n++;
                next = schedule.intendedStartNanos(n);
            }
            if (batch != null) {
                List<Exchange> b = batch;
                contexts[rr++ % contexts.length].runOnContext(v -> {
                    for (Exchange e : b) {
                        e.issue();
                    }
                });
            }
            if (now >= nextSample) {
                meters.inFlightSample(inFlight.get());
                nextSample = now - now % SAMPLE_NANOS + SAMPLE_NANOS;
            }
            long wake = next == ArrivalSchedule.END ? nextSample : Math.min(next, nextSample);
            long wait = wake - (nanoTime.getAsLong() - startNanos);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        scheduleDone = true;
    }

    void stop() {
        stopRequested = true;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    boolean scheduleDone() {
        return scheduleDone;
    }

    int inFlight() {
        return inFlight.get();
    }

    long startNanos() {
        return startNanos;
    }

    void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    /** One request from intended start to completion; runs on its event loop after issue(). */
    private final class Exchange {
        private final RequestSpec spec;
        private final long intended;
        private long acquired = -1;

        Exchange(RequestSpec spec, long intended) {
            this.spec = spec;
            this.intended = intended;
        }

        void issue() {
            long now = nanoTime.getAsLong();
            long lateness = now - intended;
            meters.started(lateness, lateness > settings.lateTolerance().toNanos());
            long timeoutMs = settings.timeout().toMillis();
            RequestOptions ro = new RequestOptions()
                    .setMethod(spec.method())
                    .setHost(target.host())
                    .setPort(target.port())
                    .setSsl(target.tls())
                    .setURI(spec.uri())
                    .setConnectTimeout(timeoutMs)
                    .setIdleTimeout(timeoutMs);
            if (spec.contentType() != null) {
                ro.putHeader("content-type", spec.contentType());
            }
            if (authorization != null && spec.body() != null && spec.kind() == RequestKind.UPDATE) {
                ro.putHeader("authorization", authorization);
            }
            client.request(ro)
                    .compose(this::send)
                    .onComplete(ar -> {
                        long end = nanoTime.getAsLong();
                        long service = acquired < 0 ? -1 : end - acquired;
                        if (ar.succeeded()) {
                            meters.completed(spec.kind(), end - intended, service, ar.result());
                        } else {
                            meters.failed(spec.kind(), end - intended, service, ar.cause());
                        }
                        inFlight.decrementAndGet();
                    });
        }

        private io.vertx.core.Future<Integer> send(HttpClientRequest req) {
            acquired = nanoTime.getAsLong();
            var response = spec.body() == null ? req.send() : req.send(spec.body());
            return response.compose(resp -> {
                resp.handler(buf -> meters.bytesReceived.add(buf.length()));
                return resp.end().map(v -> resp.statusCode());
            });
        }
    }
}
