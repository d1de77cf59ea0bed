package io.hexproperty.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PurgeHook#varnish}: {@code BAN} requests to each Varnish admin URL, keys in {@code X-Purge-Keys}
 * (space separated; the VCL turns them into one lurker-friendly ban on {@code obj.http.Surrogate-Key}).
 *
 * <p>Per Varnish, at most one ban is in flight; keys arriving meanwhile are merged and sent when it
 * completes, so a burst of changes costs a few requests, not one per change, and a quiet system pays
 * no batching delay. All state is touched only on one Vert.x context.
 */
final class VarnishPurge implements PurgeHook {
    private static final Logger LOG = LoggerFactory.getLogger(VarnishPurge.class);
    static final HttpMethod BAN = HttpMethod.valueOf("BAN");
    /** What the VCL accepts; anything else could change the meaning of the ban's regular expression. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9:_-]{1,200}");
    static final int MAX_KEYS_PER_BAN = 64;

    private final Context context;
    private final HttpClient client;
    private final List<Target> targets = new ArrayList<>();
    private final Counter sent;
    private final Counter failed;
    private final Counter keys;
    private final Timer latency;

    VarnishPurge(Vertx vertx, MeterRegistry registry, List<URI> adminUrls) {
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000)
                .setIdleTimeout(30), new PoolOptions().setHttp1MaxSize(2));
        for (URI url : adminUrls) {
            if (url.getHost() == null || !"http".equals(url.getScheme())) {
                throw new IllegalArgumentException("a Varnish purge URL must be http://host:port/, got " + url);
            }
            targets.add(new Target(url));
        }
        this.sent = Counter.builder("cdn.purge.requests").tag("result", "ok")
                .description("Ban requests sent to shared caches").register(registry);
        this.failed = Counter.builder("cdn.purge.requests").tag("result", "failed")
                .description("Ban requests sent to shared caches").register(registry);
        this.keys = Counter.builder("cdn.purge.keys").description("Surrogate keys purged").register(registry);
        this.latency = Timer.builder("cdn.purge.duration").description("Ban request round trip")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void purge(Set<String> surrogateKeys) {
        List<String> valid = new ArrayList<>(surrogateKeys.size());
        for (String key : surrogateKeys) {
            if (KEY.matcher(key).matches()) {
                valid.add(key);
            } else {
                LOG.warn("purge: surrogate key '{}' skipped: only [A-Za-z0-9:_-] is sent to Varnish", key);
            }
        }
        if (!valid.isEmpty()) {
            context.runOnContext(v -> targets.forEach(t -> t.add(valid)));
        }
    }

    @Override
    public void purgeAll() {
        context.runOnContext(v -> targets.forEach(Target::addAll));
    }

    @Override
    public void close() {
        client.close();
    }

    /** One Varnish: what is waiting to be banned and whether a ban is in flight. */
    private final class Target {
        private final URI url;
        private final Set<String> pending = new LinkedHashSet<>();
        private boolean all;
        private boolean inFlight;

        Target(URI url) {
            this.url = url;
        }

        void add(List<String> keys) {
            pending.addAll(keys);
            sendNext();
        }

        void addAll() {
            all = true;
            sendNext();
        }

        private void sendNext() {
            if (inFlight || (!all && pending.isEmpty())) {
                return;
            }
            RequestOptions request = new RequestOptions().setMethod(BAN).setAbsoluteURI(url.toString())
                    .setIdleTimeout(2_000);
            int count;
            if (all) {
                all = false;
                pending.clear();
                request.putHeader("X-Purge-All", "1");
                count = 0;
            } else {
                StringBuilder header = new StringBuilder();
                Iterator<String> it = pending.iterator();
                count = 0;
                while (it.hasNext() && count < MAX_KEYS_PER_BAN) {
                    header.append(count == 0 ? "" : " ").append(it.next());
                    it.remove();
                    count++;
                }
                request.putHeader("X-Purge-Keys", header.toString());
            }
            inFlight = true;
            long started = System.nanoTime();
            int banned = count;
            client.request(request).compose(req -> req.send()).compose(res -> res.body().compose(body ->
                    res.statusCode() == 200 ? Future.succeededFuture()
                            : Future.failedFuture("HTTP " + res.statusCode() + ": " + body.toString().strip())))
                    .onComplete(ar -> {
                        latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                        if (ar.succeeded()) {
                            sent.increment();
                            keys.increment(banned);
                        } else {
                            // Dropped, not retried: the shared cache's TTL still bounds how stale it can be.
                            failed.increment();
                            LOG.warn("purge of {} keys at {} failed ({}); objects expire by their TTL",
                                    banned, url, ar.cause().getMessage());
                        }
                        inFlight = false;
                        sendNext();
                    });
        }
    }
}
