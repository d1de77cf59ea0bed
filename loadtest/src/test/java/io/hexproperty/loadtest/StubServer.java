package io.hexproperty.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Vert.x HTTP server on 127.0.0.1 that speaks enough of the HexProperty API for the load
 * generator: listing pages with cursors, listing reads, searches, PATCH, inquiries, /metrics.
 * It can stall (answer nothing for a while, periodically, like a GC pause) and can limit how
 * many requests it serves at once with a fixed service time, which gives it a known capacity.
 */
public final class StubServer implements AutoCloseable {

    /** Periodic stall: every {@code periodMs}, requests arriving in [offsetMs, offsetMs + stallMs) wait until its end. */
    public record Stall(long periodMs, long offsetMs, long stallMs) {}

    /** At most {@code workers} requests served at once, each taking {@code serviceMs}; others queue. */
    public record Capacity(int workers, long serviceMs) {}

    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    final Map<String, AtomicLong> hits = new ConcurrentHashMap<>();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    public final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    public final AtomicLong connections = new AtomicLong();
    private final int listings;
    private final Stall stall;
    private final Capacity capacity;
    private final long start = System.nanoTime();
    private final HttpServer server;
    private final Deque<HttpServerRequest> queue = new ArrayDeque<>();
    private int busy;

    public StubServer(int listings, Stall stall, Capacity capacity) {
        this.listings = listings;
        this.stall = stall;
        this.capacity = capacity;
        server = vertx.createHttpServer().requestHandler(this::handle)
                .connectionHandler(c -> connections.incrementAndGet());
        await(server.listen(0, "127.0.0.1"));
    }

    public static String key(int i) {
        return "L" + i;
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public long hits(String kind) {
        AtomicLong a = hits.get(kind);
        return a == null ? 0 : a.get();
    }

    private void handle(HttpServerRequest req) {
        if (stall != null) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long phase = ms % stall.periodMs();
            if (phase >= stall.offsetMs() && phase < stall.offsetMs() + stall.stallMs()) {
                req.pause();
                vertx.setTimer(stall.offsetMs() + stall.stallMs() - phase, t -> {
                    req.resume();
                    route(req);
                });
                return;
            }
        }
        if (capacity != null) {
            req.pause();
            queue.addLast(req);
            drain();
            return;
        }
        route(req);
    }

    private void drain() {
        while (busy < capacity.workers() && !queue.isEmpty()) {
            HttpServerRequest next = queue.removeFirst();
            busy++;
            vertx.setTimer(capacity.serviceMs(), t -> {
                next.resume();
                route(next);
                busy--;
                drain();
            });
        }
    }

    private void count(String kind) {
        hits.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private void route(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/metrics")) {
            count("metrics");
            req.response().putHeader("content-type", "text/plain")
                    .end("# HELP x\njvm_gc_live_data_size_bytes 1.0E7\njvm_threads_live_threads{a=\"b\"} 20.0\nprocess_files_open_files 30.0\n");
            return;
        }
        if (path.equals("/api/v1/inquiries") && req.method().name().equals("POST")) {
            count("inquiry");
            req.body().onSuccess(b -> {
                bodies.add(b.toJsonObject());
                req.response().setStatusCode(201).end();
            });
            return;
        }
        if (path.startsWith("/api/v1/listings/")) {
            String key = path.substring("/api/v1/listings/".length());
            boolean known = key.startsWith("L") && Integer.parseInt(key.substring(1)) < listings;
            if (req.method().name().equals("PATCH")) {
                count("update");
                authorizations.add(String.valueOf(req.getHeader("authorization")));
                req.body().onSuccess(b -> {
                    bodies.add(b.toJsonObject());
                    req.response().setStatusCode(known ? 200 : 404).end(listing(0).encode());
                });
                return;
            }
            count(known ? "listing" : "unknown-listing");
            req.response().setStatusCode(known ? 200 : 404).putHeader("content-type", "application/json")
                    .end(known ? listing(Integer.parseInt(key.substring(1))).encode() : "{}");
            return;
        }
        if (path.equals("/api/v1/listings")) {
            if (req.getParam("h3") != null) {
                count("map");
            } else if (req.getParam("city") != null) {
                count("search");
            } else {
                count("page");
            }
            int from = req.getParam("cursor") == null ? 0 : Integer.parseInt(req.getParam("cursor"));
            int limit = req.getParam("limit") == null ? 20 : Integer.parseInt(req.getParam("limit"));
            JsonArray items = new JsonArray();
            for (int i = from; i < Math.min(listings, from + limit); i++) {
                items.add(listing(i));
            }
            Object next = from + limit < listings ? Integer.toString(from + limit) : null;
            req.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("items", items).put("next", next).encode());
            return;
        }
        count("other");
        req.response().end("ok");
    }

    static JsonObject listing(int i) {
        String[][] places = {{"Austin", "TX"}, {"Denver", "CO"}, {"Portland", "OR"}, {"Boise", "ID"}};
        String[] place = places[i % places.length];
        return new JsonObject().put("ListingKey", key(i)).put("City", place[0]).put("StateOrProvince", place[1])
                .put("H3Cell7", "87" + Integer.toHexString(0x2830828 + i % 7) + "fffff").put("ListPrice", 300_000 + 1_000 * i);
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        return f.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        await(vertx.close());
    }
}
