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
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PurgeHook#varnish}: {@code BAN} requests to each Varnish admin URL, keys in {@code X-Purge-Keys}
 * (space separated; the VCL turns them into one lurker-friendly ban on {@code obj.http.Surrogate-Key}).
 *
 * <p>Per Varnish, at most one ban is in flight; keys arriving meanwhile are merged and sent when it
 * completes, so a burst of changes costs a few requests, not one per change, and a quiet system pays
 * no batching delay. A ban that fails is sent again after a backoff (doubling, {@link PurgeConfig}),
 * before anything newer; after the last attempt it is a dead letter ({@code cdn.purge.dead.letters})
 * and the shared cache's TTL bounds the staleness. A purge-all is sent at most once per
 * {@code purgeAllInterval}; more in the interval are merged into one sent when it ends (counted in
 * {@code cdn.purge.all.coalesced}), while key bans keep flowing. All state is touched only on one
 * Vert.x context.
 */
final class VarnishPurge implements PurgeHook {
    private static final Logger LOG = LoggerFactory.getLogger(VarnishPurge.class);
    static final HttpMethod BAN = HttpMethod.valueOf("BAN");
    /** What the VCL accepts; anything else could change the meaning of the ban's regular expression. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9:_-]{1,200}");
    static final int MAX_KEYS_PER_BAN = 64;

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final PurgeConfig config;
    private final LongSupplier nanoTime;
    private final List<Target> targets = new ArrayList<>();
    private final Counter sent;
    private final Counter failed;
    private final Counter keys;
    private final Counter retries;
    private final Counter deadLetters;
    private final Counter coalesced;
    private final Timer latency;
    private volatile boolean closed;

    VarnishPurge(Vertx vertx, MeterRegistry registry, List<URI> adminUrls, PurgeConfig config, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.nanoTime = nanoTime;
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
        this.retries = Counter.builder("cdn.purge.retries").description("Ban requests sent again after a failure")
                .register(registry);
        this.deadLetters = Counter.builder("cdn.purge.dead.letters")
                .description("Bans given up after every attempt failed (the shared cache's TTL bounds their staleness)")
                .register(registry);
        this.coalesced = Counter.builder("cdn.purge.all.coalesced")
                .description("Purge-all requests merged into a later one by the purge-all rate limit").register(registry);
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
        closed = true; // pending retries and a deferred purge-all are dropped with the client
        client.close();
    }

    /** One ban: its keys (empty for a purge-all) and how many times it was tried. */
    private record Ban(List<String> keys, boolean all, int attempts) {
        Ban failedOnce() {
            return new Ban(keys, all, attempts + 1);
        }
    }

    /** One Varnish: what is waiting to be banned, the ban being retried, and whether one is in flight. */
    private final class Target {
        private final URI url;
        private final Set<String> pending = new LinkedHashSet<>();
        private boolean all;
        private boolean inFlight;
        private Ban retry;
        private long retryTimer = -1;
        private long allTimer = -1;
        private long lastAllNanos;
        private boolean allSentOnce;

        Target(URI url) {
            this.url = url;
        }

        void add(List<String> keys) {
            pending.addAll(keys);
            sendNext();
        }

        void addAll() {
            if (all) {
                coalesced.increment(); // one is already waiting for the interval to end
            }
            all = true;
            sendNext();
        }

        private void sendNext() {
            if (closed || inFlight || retryTimer >= 0) {
                return;
            }
            if (retry != null) {
                Ban again = retry;
                retry = null;
                retries.increment();
                send(again);
                return;
            }
            if (all) {
                long wait = allSentOnce ? lastAllNanos + config.purgeAllInterval().toNanos() - nanoTime.getAsLong() : 0;
                if (wait <= 0) {
                    all = false;
                    pending.clear(); // everything goes
                    send(new Ban(List.of(), true, 0));
                    return;
                }
                if (allTimer < 0) {
                    allTimer = vertx.setTimer(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
                        allTimer = -1;
                        sendNext();
                    });
                }
                // key bans keep flowing meanwhile: the purge-all comes, but not yet
            }
            if (pending.isEmpty()) {
                return;
            }
            List<String> batch = new ArrayList<>(Math.min(pending.size(), MAX_KEYS_PER_BAN));
            Iterator<String> it = pending.iterator();
            while (it.hasNext() && batch.size() < MAX_KEYS_PER_BAN) {
                batch.add(it.next());
                it.remove();
            }
            send(new Ban(batch, false, 0));
        }

        private void send(Ban ban) {
            RequestOptions request = new RequestOptions().setMethod(BAN).setAbsoluteURI(withoutUserInfo(url))
                    .setIdleTimeout(2_000);
            if (url.getRawUserInfo() != null) {
                // http://:TOKEN@host:port/...: the gateway's edge cache takes bans on its admin port, behind its token
                String info = url.getUserInfo();
                request.putHeader("Authorization", "Bearer " + info.substring(info.indexOf(':') + 1));
            }
            if (ban.all()) {
                request.putHeader("X-Purge-All", "1");
                lastAllNanos = nanoTime.getAsLong();
                allSentOnce = true;
            } else {
                request.putHeader("X-Purge-Keys", String.join(" ", ban.keys()));
            }
            inFlight = true;
            long started = System.nanoTime();
            client.request(request).compose(req -> req.send()).compose(res -> res.body().compose(body ->
                    res.statusCode() == 200 ? Future.succeededFuture()
                            : Future.failedFuture("HTTP " + res.statusCode() + ": " + body.toString().strip())))
                    .onComplete(ar -> {
                        latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                        inFlight = false;
                        if (ar.succeeded()) {
                            sent.increment();
                            keys.increment(ban.keys().size());
                        } else {
                            failed.increment();
                            failedBan(ban.failedOnce(), ar.cause().getMessage());
                        }
                        sendNext();
                    });
        }

        private void failedBan(Ban ban, String why) {
            String what = ban.all() ? "purge-all" : "ban of " + ban.keys().size() + " keys";
            if (ban.attempts() >= config.attempts()) {
                deadLetters.increment();
                LOG.warn("{} at {} failed {} times, giving up ({}); objects expire by their TTL", what, withoutUserInfo(url),
                        ban.attempts(), why);
                return;
            }
            java.time.Duration wait = config.backoff(ban.attempts());
            LOG.info("{} at {} failed (attempt {} of {}: {}); retrying in {} ms", what, withoutUserInfo(url), ban.attempts(),
                    config.attempts(), why, wait.toMillis());
            retry = ban;
            retryTimer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
                retryTimer = -1;
                sendNext();
            });
        }
    }

    private static String withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }
}
