package io.hexproperty.app;

import io.hexproperty.balancer.gateway.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GETs through a cluster's gateway at a fixed pace (open model: a start does not wait for the previous
 * answer) until closed, alternating a state search and a first page; every answer must be a 200. Records
 * failures, which worker served each request ({@link Gateway#SERVED_BY}) and how many completed. With
 * {@code maxInFlight}, a start that would exceed it is skipped and counted instead of queued.
 */
final class PacedClient implements AutoCloseable {
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> servedBy = new ConcurrentLinkedQueue<>();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    private final ConcurrentLinkedQueue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    PacedClient(HttpClient client, int port, long periodMillis, Duration timeout, int maxInFlight) {
        Semaphore slots = new Semaphore(maxInFlight);
        AtomicLong n = new AtomicLong();
        pacer.scheduleAtFixedRate(() -> {
            if (!slots.tryAcquire()) {
                skipped.incrementAndGet();
                return;
            }
            String path = n.incrementAndGet() % 2 == 0 ? "/api/v1/listings?state=TX&limit=5" : "/api/v1/listings?limit=3";
            inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failures.add(e.toString());
                        } else if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        } else {
                            r.headers().firstValue(Gateway.SERVED_BY).ifPresent(servedBy::add);
                        }
                        completed.incrementAndGet();
                        slots.release();
                    }));
            inFlight.removeIf(CompletableFuture::isDone);
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Unbounded in flight. */
    PacedClient(HttpClient client, int port, long periodMillis, Duration timeout) {
        this(client, port, periodMillis, timeout, Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }
}
