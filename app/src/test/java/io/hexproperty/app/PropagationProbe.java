package io.hexproperty.app;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A black-box check of write propagation, as a platform team would run it: one writer PATCHes ListPrice
 * on a few hot listings through one node at a fixed rate, readers GET the same listings through every
 * node as fast as they can. Only HTTP is observed: each write's acknowledgement time and version, each
 * read's start time, node and version.
 *
 * <p>Propagation of a write to a node is measured as its stale window: how long after the write was
 * acknowledged a read could still start on that node and see an older version (0 when none did). A read
 * is stale beyond {@code bound} when it started more than {@code bound} after a write's acknowledgement
 * and shows an older version.
 */
final class PropagationProbe {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Write(String key, long version, long ackNanos) {}

    record Read(String key, String node, long startNanos, int status, long version, String body) {}

    record Report(int writes, int reads, List<String> errors, List<String> staleBeyondBound, double p50Millis,
                  double p99Millis, double maxMillis) {
        @Override
        public String toString() {
            return String.format("%d writes, %d reads, %d errors, %d stale beyond the bound; stale window p50 %.1f ms,"
                    + " p99 %.1f ms, max %.1f ms", writes, reads, errors.size(), staleBeyondBound.size(), p50Millis, p99Millis,
                    maxMillis);
        }
    }

    private PropagationProbe() {
    }

    /**
     * @param writerNode base URL the writes go through
     * @param readerNodes base URLs the reads go through (round the clock, random choice per read)
     */
    static Report run(String writerNode, List<String> readerNodes, List<String> keys, String token, Duration duration,
                      int writesPerSecond, int readers, Duration bound) throws Exception {
        ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + duration.toNanos();
        int[] next = {0};
        try (ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
             var readerThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            writer.scheduleAtFixedRate(() -> {
                if (System.nanoTime() >= end) {
                    return;
                }
                String key = keys.get(next[0]++ % keys.size());
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(writerNode + "/api/v1/listings/" + key))
                            .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"ListPrice\":" + (100_000 + next[0]) + "}"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                    long ack = System.nanoTime();
                    if (r.statusCode() == 200) {
                        writes.add(new Write(key, new JsonObject(r.body()).getLong("version"), ack));
                    } else {
                        errors.add("PATCH " + key + ": " + r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    errors.add("PATCH " + key + ": " + e);
                }
            }, 0, 1_000_000_000L / writesPerSecond, TimeUnit.NANOSECONDS);
            for (int i = 0; i < readers; i++) {
                long seed = i;
                readerThreads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (System.nanoTime() < end) {
                        String key = keys.get(random.nextInt(keys.size()));
                        String node = readerNodes.get(random.nextInt(readerNodes.size()));
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/api/v1/listings/" + key))
                                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                            long version = r.statusCode() == 200 ? new JsonObject(r.body()).getLong("version") : -1;
                            reads.add(new Read(key, node, start, r.statusCode(), version, r.statusCode() == 200 ? null : r.body()));
                        } catch (Exception e) {
                            errors.add("GET " + key + " on " + node + ": " + e);
                        }
                    }
                    return null;
                });
            }
            readerThreads.shutdown();
            readerThreads.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS);
            writer.shutdown();
            writer.awaitTermination(60, TimeUnit.SECONDS);
        }
        return analyse(new ArrayList<>(writes), new ArrayList<>(reads), new ArrayList<>(errors), readerNodes, bound);
    }

    static Report analyse(List<Write> writes, List<Read> reads, List<String> errors, List<String> nodes, Duration bound) {
        Map<String, List<Write>> byKey = new HashMap<>();
        writes.forEach(w -> byKey.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w));
        byKey.values().forEach(list -> list.sort((x, y) -> Long.compare(x.ackNanos(), y.ackNanos())));
        Map<String, List<Read>> readsByKeyNode = new HashMap<>();
        List<String> stale = new ArrayList<>();
        for (Read r : reads) {
            if (r.status() != 200) {
                errors.add("GET " + r.key() + " on " + r.node() + ": " + r.status() + " " + r.body());
                continue;
            }
            readsByKeyNode.computeIfAbsent(r.key() + " " + r.node(), k -> new ArrayList<>()).add(r);
            long required = 0;
            for (Write w : byKey.getOrDefault(r.key(), List.of())) {
                if (w.ackNanos() < r.startNanos() - bound.toNanos()) {
                    required = Math.max(required, w.version());
                }
            }
            if (r.version() < required && stale.size() < 20) {
                stale.add(r + " but v" + required + " was acknowledged more than " + bound.toMillis() + " ms before it started");
            }
        }
        List<Double> windows = new ArrayList<>();
        for (Write w : writes) {
            for (String node : nodes) {
                long window = 0;
                for (Read r : readsByKeyNode.getOrDefault(w.key() + " " + node, List.of())) {
                    if (r.startNanos() >= w.ackNanos() && r.version() < w.version()) {
                        window = Math.max(window, r.startNanos() - w.ackNanos());
                    }
                }
                windows.add(window / 1e6);
            }
        }
        Collections.sort(windows);
        double[] w = windows.stream().mapToDouble(Double::doubleValue).toArray();
        return new Report(writes.size(), reads.size(), errors, stale, percentile(w, 0.50), percentile(w, 0.99),
                w.length == 0 ? 0 : w[w.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

}
