package io.hexproperty.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The warm-up of a standby worker before it joins the warm pool (ADR 0023): the gateway's recent anonymous
 * GETs ({@code RecentRequests}) replayed on the worker directly, round after round within a time budget,
 * so that it holds today's hot listings and pages in its L1 and has compiled their code paths. An idle
 * cluster has nothing recent: a few generic searches stand in. Requests carry {@code Sec-Purpose: prefetch},
 * so a replayed listing read is not counted as a view. Answers are read and dropped; a failed request
 * is counted, not fatal (the readiness check already proved the worker serves).
 */
final class Warmup {
    /** Distinct recent requests replayed. */
    static final int MAX_DISTINCT = 200;
    /** The warm-up stops after this long even when rounds remain (emulated capacity paces it). */
    static final Duration BUDGET = Duration.ofSeconds(15);
    static final int ROUNDS = 3;
    static final List<String> IDLE = List.of("/api/v1/listings?limit=20", "/api/v1/listings?sort=newest&limit=20",
            "/api/v1/listings?sort=price_asc&limit=20", "/api/v1/listings?sort=price_desc&limit=20");

    record Result(int requests, int failed, int distinct, long millis) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests over %d distinct paths in %d ms, %d failed", requests, distinct, millis, failed);
        }
    }

    private Warmup() {}

    static Result run(HttpClient http, URI origin, List<String> recent, Duration budget) throws InterruptedException {
        List<String> paths = recent.isEmpty() ? IDLE : recent;
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int sent = 0;
        int failed = 0;
        rounds:
        for (int round = 0; round < ROUNDS; round++) {
            for (String path : paths) {
                if (System.nanoTime() > deadline) {
                    break rounds;
                }
                sent++;
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(origin.resolve(path)).header("Sec-Purpose", "prefetch")
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() >= 500) {
                        failed++;
                    }
                } catch (java.io.IOException | IllegalArgumentException e) {
                    failed++;
                }
            }
        }
        return new Result(sent, failed, paths.size(), (System.nanoTime() - start) / 1_000_000);
    }
}
