package io.hexproperty.balancer.gateway.edge;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The gateway's edge cache: an RFC 9111 shared cache in front of the balancer (ADR 0020).
 *
 * <p>Design: GET and HEAD without credentials come here first. A usable stored response (fresh for this request,
 * or stale within {@code stale-while-revalidate}, which also starts one background revalidation) is answered
 * from memory, honouring the client's conditionals. Otherwise one fill per primary key goes to the origin
 * (request coalescing: concurrent misses join it, and each joiner whose request selects the same variant gets
 * its result; the others, and everyone when the answer may not be stored, go to the origin on their own).
 * A fill of a stored response is conditional (ETag, Last-Modified); a 304 freshens the stored head. An origin
 * 5xx or an unreachable worker is answered with the stored response while {@code stale-if-error} allows. A
 * non-error answer to an unsafe method invalidates its target and its Location/Content-Location (RFC 9111
 * 4.4), and purges by surrogate key come from the workers' change feed through the admin API. Invalidations
 * leave tombstones in {@link EdgeStore}, so a fill that left before one is never stored after it.
 *
 * <p>Every response this cache answers carries {@code Cache-Status} (RFC 9211) naming {@value #NAME}.
 */
public final class EdgeTier {
    public static final String NAME = "hexproperty-edge";
    public static final String CACHE_STATUS = "Cache-Status";
    /** Request fields that the cache answers itself and must not forward on a fill (it adds its own validators). */
    private static final List<String> CONDITIONALS = List.of("if-none-match", "if-modified-since", "if-match",
            "if-unmodified-since", "if-range", "range");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization");

    /** Status codes whose caching rules this cache implements (RFC 9110 section 15), for must-understand. */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 204, 300, 301, 302, 303, 307, 308, 400, 403, 404, 405,
            410, 414, 500, 501, 502, 503, 504);

    private final EdgeCacheConfig config;
    private final EdgeStore store;
    private final Clock wallClock;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stale = new LongAdder();
    private final LongAdder revalidated = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder passed = new LongAdder();
    private final LongAdder purged = new LongAdder();

    private record Flight(long startedNanos, Promise<Fill> promise) {}

    /** The outcome of one trip to the origin: the response to serve, and whether requests that joined may get it too. */
    private record Fill(StoredResponse response, boolean shareable, boolean tooLarge, String status, String originAge) {
        Fill(StoredResponse response, boolean shareable, boolean tooLarge, String status) {
            this(response, shareable, tooLarge, status, CACHED);
        }
    }

    /** Marks a response answered from storage: its Age is the cache's current age of it. */
    private static final String CACHED = "\u0000cached";

    public EdgeTier(EdgeCacheConfig config, Clock wallClock, LongSupplier nanoTicker) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("an edge tier needs a size above 0 (the gateway runs without one when off)");
        }
        this.config = config;
        this.wallClock = wallClock;
        this.store = new EdgeStore(config.maxBytes(), nanoTicker);
    }

    public EdgeStore store() {
        return store;
    }

    /** Answers {@code req} (from the cache, or through a fill) and returns true; false: the gateway forwards it as usual. */
    public boolean handle(HttpServerRequest req, Origin origin) {
        HttpMethod method = req.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return false;
        }
        MultiMap h = req.headers();
        if (h.contains("authorization") || h.contains("transfer-encoding")
                || (h.contains("content-length") && !"0".equals(h.get("content-length")))) {
            return false; // credentials (RFC 9111 3.5) and bodies: not this cache's business
        }
        String key = key(req.authority() == null ? "" : req.authority().toString(), req.uri());
        Directives rcc = Directives.parse(h.getAll("cache-control"));
        boolean noCache = rcc.has("no-cache") || (!h.contains("cache-control") && pragmaNoCache(h));
        boolean noStore = rcc.has("no-store");
        long now = wallClock.millis();
        StoredResponse hit = store.lookup(key, h);
        if (hit != null && !noCache) {
            if (usable(hit, rcc, now)) {
                hits.increment();
                serve(req, hit, now, NAME + "; hit", CACHED);
                return true;
            }
            if (rcc.seconds("max-age") < 0 && rcc.seconds("min-fresh") < 0 && hit.freshness().withinStaleWhileRevalidate(now)) {
                stale.increment();
                serve(req, hit, now, NAME + "; hit; detail=stale-while-revalidate", CACHED);
                revalidateInBackground(key, hit, MultiMap.caseInsensitiveMultiMap().addAll(h), origin);
                return true;
            }
        }
        if (rcc.has("only-if-cached")) {
            req.response().setStatusCode(504).putHeader(CACHE_STATUS, NAME + "; fwd=miss; detail=only-if-cached").end();
            return true;
        }
        long requestStaleIfError = rcc.has("stale-if-error") ? rcc.seconds("stale-if-error") * 1000 : -1;
        boolean coalescible = !noCache && !noStore;
        if (coalescible) {
            Flight running = flights.get(key);
            if (running != null) {
                join(req, running, origin);
                return true;
            }
        }
        Flight mine = new Flight(store.now(), Promise.promise());
        if (coalescible) {
            Flight raced = flights.putIfAbsent(key, mine);
            if (raced != null) {
                join(req, raced, origin);
                return true;
            }
        }
        misses.increment();
        fill(key, hit, h, origin, mine, !noStore, requestStaleIfError).onComplete(ar -> {
            flights.remove(key, mine);
            mine.promise().handle(ar);
            if (ar.failed() || ar.result().tooLarge()) {
                pass(req, origin);
            } else {
                serve(req, ar.result().response(), wallClock.millis(), ar.result().status(), ar.result().originAge());
            }
        });
        return true;
    }

    private void join(HttpServerRequest req, Flight flight, Origin origin) {
        coalesced.increment();
        flight.promise().future().onComplete(ar -> {
            if (ar.failed() || !ar.result().shareable() || !ar.result().response().matches(req.headers())) {
                pass(req, origin); // not for everyone (private, no-store, another variant): its own trip
            } else {
                serve(req, ar.result().response(), wallClock.millis(), NAME + "; hit; detail=coalesced", CACHED);
            }
        });
    }

    private void pass(HttpServerRequest req, Origin origin) {
        passed.increment();
        origin.pass(req);
    }

    private void revalidateInBackground(String key, StoredResponse hit, MultiMap request, Origin origin) {
        Flight mine = new Flight(store.now(), Promise.promise());
        if (flights.putIfAbsent(key, mine) != null) {
            return; // one revalidation per key at a time
        }
        fill(key, hit, request, origin, mine, true, -1).onComplete(ar -> {
            flights.remove(key, mine);
            mine.promise().handle(ar);
        });
    }

    /** One trip to the origin for {@code key}: conditional when something is stored. */
    private Future<Fill> fill(String key, StoredResponse hit, MultiMap request, Origin origin, Flight flight,
                              boolean mayStore, long requestStaleIfError) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> e : request) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!CONDITIONALS.contains(name) && !HOP_BY_HOP.contains(name) && !name.equals("content-length")) {
                out.add(e.getKey(), e.getValue());
            }
        }
        out.add("surrogate-capability", NAME + "=\"Surrogate/1.0\""); // Edge Architecture 1.0: targeted directives welcome
        if (hit != null) {
            if (hit.etag() != null) {
                out.set("if-none-match", hit.etag());
            }
            if (hit.lastModified() != null) {
                out.set("if-modified-since", hit.lastModified());
            }
        }
        String uri = key.substring(key.indexOf(' ') + 1);
        MultiMap selecting = MultiMap.caseInsensitiveMultiMap().addAll(request);
        return origin.fetch(uri, out, config.maxObjectBytes()).map(f -> {
            if (f.tooLarge()) {
                return new Fill(null, false, true, NAME + "; fwd=miss");
            }
            long now = wallClock.millis();
            if (f.status() == 304 && hit != null) {
                revalidated.increment();
                StoredResponse updated = hit.revalidated(endToEnd(f.headers()), f.requestMillis(), f.responseMillis(),
                        config.surrogateKeyHeader());
                if (mayStore) {
                    store.store(key, updated, flight.startedNanos());
                }
                return new Fill(updated, true, false, NAME + "; fwd=stale; fwd-status=304");
            }
            if (f.status() >= 500 && hit != null && hit.freshness().withinStaleIfError(now, requestStaleIfError)) {
                stale.increment();
                return new Fill(hit, true, false, NAME + "; hit; detail=stale-if-error; fwd-status=" + f.status());
            }
            StoredResponse r = StoredResponse.of(f.status(), f.statusMessage(), endToEnd(f.headers()), f.body(), selecting,
                    f.requestMillis(), f.responseMillis(), config.surrogateKeyHeader());
            String fwd = hit == null ? "fwd=uri-miss" : "fwd=stale";
            if (mayStore && storable(r) && store.store(key, r, flight.startedNanos())) {
                return new Fill(r, true, false, NAME + "; " + fwd + "; fwd-status=" + f.status() + "; stored", f.headers().get("age"));
            }
            // a 5xx (an origin error or the gateway's own) goes to those who joined too: the origin just failed
            return new Fill(r, f.status() >= 500, false, NAME + "; " + fwd + "; fwd-status=" + f.status(), f.headers().get("age"));
        });
    }

    /** Whether a shared cache may store {@code r} and could ever use it (RFC 9111 section 3). */
    static boolean storable(StoredResponse r) {
        int s = r.status();
        if (s < 200 || s == 206 || s == 304 || s > 599) {
            return false;
        }
        Directives cc = Freshness.directives(r.headers());
        if (cc.has("must-understand")) {
            if (!UNDERSTOOD.contains(s)) {
                return false; // RFC 9111 5.2.2.3: stored only when the cache understands the status' caching rules
            }
        } else if (cc.has("no-store")) {
            return false;
        }
        if (cc.has("private") || r.varyNames().contains("*")) {
            return false;
        }
        Freshness f = r.freshness();
        if (!f.explicit() && !cc.has("public") && !Freshness.HEURISTIC.contains(s)) {
            return false;
        }
        return f.lifetimeMillis() > 0 || r.etag() != null || r.lastModified() != null
                || f.staleIfErrorMillis() > 0 || f.staleWhileRevalidateMillis() > 0;
    }

    /** Whether {@code hit} satisfies the request's own freshness demands (RFC 9111 5.2.1). */
    static boolean usable(StoredResponse hit, Directives rcc, long now) {
        Freshness f = hit.freshness();
        if (f.noCache()) {
            return false;
        }
        long age = f.ageMillis(now);
        long maxAge = rcc.seconds("max-age");
        if (maxAge >= 0 && age > maxAge * 1000) {
            return false;
        }
        long minFresh = rcc.seconds("min-fresh");
        long remaining = f.lifetimeMillis() - age;
        if (minFresh >= 0 && remaining < minFresh * 1000) {
            return false;
        }
        if (remaining > 0) {
            return true;
        }
        if (rcc.has("max-stale") && !f.mustRevalidate()) {
            String v = rcc.values().get("max-stale");
            return v.isEmpty() || -remaining < rcc.seconds("max-stale") * 1000;
        }
        return false;
    }

    /**
     * Writes {@code r}. {@code originAge} is {@link #CACHED} for an answer from storage (Age: the current age,
     * RFC 9111 4.2.3), else the Age field the origin sent with this very response (null: none), relayed as is:
     * a response forwarded on a miss was not held here.
     */
    private void serve(HttpServerRequest req, StoredResponse r, long now, String cacheStatus, String originAge) {
        HttpServerResponse resp = req.response();
        if (resp.closed() || resp.headWritten()) {
            return;
        }
        boolean notModified = (r.status() == 200 || r.status() == 203) && notModified(req.headers(), r);
        int status = notModified ? 304 : r.status();
        resp.setStatusCode(status);
        if (!notModified && r.statusMessage() != null && !r.statusMessage().isEmpty()) {
            resp.setStatusMessage(r.statusMessage());
        }
        boolean bodiless = status < 200 || status == 204 || status == 304;
        MultiMap out = resp.headers();
        for (Map.Entry<String, String> e : r.headers()) {
            String name = e.getKey();
            if (name.equalsIgnoreCase("surrogate-control")) {
                continue; // meant for surrogates like this one: consumed here (Edge Architecture 1.0)
            }
            if (!(bodiless && (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("content-type")))) {
                out.add(name, e.getValue());
            }
        }
        if (originAge == CACHED) {
            out.set("age", Long.toString(r.freshness().ageSeconds(now)));
        } else if (originAge != null) {
            out.set("age", originAge);
        }
        out.add(CACHE_STATUS, cacheStatus);
        if (bodiless) {
            resp.end();
        } else if (req.method() == HttpMethod.HEAD) {
            out.set("content-length", Integer.toString(r.body().length()));
            resp.end();
        } else {
            out.set("content-length", Integer.toString(r.body().length()));
            resp.end(r.body());
        }
    }

    /** The client's conditionals against a stored 200 (RFC 9110 13.1.2 weak comparison; If-Modified-Since only without it). */
    static boolean notModified(MultiMap request, StoredResponse r) {
        List<String> inm = request.getAll("if-none-match");
        if (!inm.isEmpty()) {
            String etag = r.etag();
            if (etag == null) {
                return false;
            }
            String mine = weak(etag);
            for (String line : inm) {
                for (String tag : line.split(",")) {
                    String t = tag.strip();
                    if (t.equals("*") || weak(t).equals(mine)) {
                        return true;
                    }
                }
            }
            return false;
        }
        String ims = request.get("if-modified-since");
        String lm = r.lastModified();
        if (ims != null && lm != null) {
            long since = Freshness.httpDate(ims);
            long modified = Freshness.httpDate(lm);
            return since != Long.MIN_VALUE && modified != Long.MIN_VALUE && modified <= since;
        }
        return false;
    }

    private static String weak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    /**
     * After the origin answered a request that may change state: a non-error answer to an unsafe method
     * invalidates the target URI and the same-authority Location and Content-Location (RFC 9111 4.4).
     */
    public void afterResponse(HttpServerRequest req, int status, MultiMap responseHeaders) {
        HttpMethod m = req.method();
        if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.TRACE
                || status < 200 || status >= 400) {
            return;
        }
        String authority = req.authority() == null ? "" : req.authority().toString();
        invalidate(key(authority, req.uri()));
        for (String field : List.of("location", "content-location")) {
            String target = responseHeaders.get(field);
            if (target != null) {
                sameAuthority(authority, req.uri(), target).ifPresent(uri -> invalidate(key(authority, uri)));
            }
        }
    }

    private void invalidate(String key) {
        store.invalidate(key);
        flights.remove(key); // later requests must not join a fill that left before the change
    }

    /** Purge by surrogate key (the change feed's path); returns how many URIs went. */
    public int purge(Set<String> keys) {
        int n = store.purge(keys);
        purged.add(n);
        flights.clear(); // fills under way are refused by the tombstones; new requests start new ones
        return n;
    }

    public void purgeAll() {
        store.purgeAll();
        flights.clear();
    }

    public JsonObject stats() {
        return new JsonObject().put("maxBytes", config.maxBytes()).put("bytes", store.weightedBytes())
                .put("entries", store.entryCount()).put("hits", hits.sum()).put("misses", misses.sum())
                .put("staleServed", stale.sum()).put("revalidated", revalidated.sum()).put("coalesced", coalesced.sum())
                .put("passed", passed.sum()).put("purged", purged.sum());
    }

    /** The primary cache key: authority and request target (path and query, as sent). */
    static String key(String authority, String uri) {
        String target = uri;
        if (uri.startsWith("http://") || uri.startsWith("https://")) { // absolute-form: keep path and query
            URI u = URI.create(uri);
            target = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        }
        return authority.toLowerCase(Locale.ROOT) + " " + target;
    }

    static java.util.Optional<String> sameAuthority(String authority, String requestUri, String reference) {
        try {
            URI base = URI.create("http://" + authority + (requestUri.startsWith("/") ? requestUri : "/"));
            URI target = base.resolve(reference.strip());
            if (target.getRawAuthority() == null || !target.getRawAuthority().equalsIgnoreCase(authority)) {
                return java.util.Optional.empty();
            }
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            return java.util.Optional.of(path + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static boolean pragmaNoCache(MultiMap h) {
        for (String p : h.getAll("pragma")) {
            if (p.toLowerCase(Locale.ROOT).contains("no-cache")) {
                return true;
            }
        }
        return false;
    }

    private static MultiMap endToEnd(MultiMap headers) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        String connection = headers.get("connection");
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && (connection == null || !connection.toLowerCase(Locale.ROOT).contains(name))) {
                out.add(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
