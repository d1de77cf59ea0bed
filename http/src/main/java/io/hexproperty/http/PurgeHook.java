package io.hexproperty.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Tells shared caches in front of the platform (CDN, Varnish) to drop responses by surrogate key. The
 * change feed calls {@link #purge} for every committed change with the keys the change can affect,
 * so a CDN may keep responses for minutes and still never serve a version older than the purge.
 *
 * <p>Purges are fire-and-forget for the caller: a ban that fails is retried with backoff
 * ({@link PurgeConfig}); one that still fails is a dead letter (logged and counted), and the shared
 * cache falls back on its TTL ({@code s-maxage} / {@code CDN-Cache-Control}), which bounds the staleness.
 */
public interface PurgeHook extends AutoCloseable {

    /** Drops every shared-cache object tagged with any of these surrogate keys. */
    void purge(Set<String> surrogateKeys);

    /** Drops everything the platform put in the shared cache (after a lost change feed). */
    void purgeAll();

    @Override
    default void close() {
    }

    /** No shared cache to purge. */
    static PurgeHook none() {
        return NoPurge.INSTANCE;
    }

    /**
     * Varnish with deploy/varnish/hexproperty.vcl: one {@code BAN} request per admin URL carrying the
     * keys in {@code X-Purge-Keys}; keys of purges issued while one is in flight are sent together next.
     */
    static PurgeHook varnish(Vertx vertx, MeterRegistry registry, URI... adminUrls) {
        return varnish(vertx, registry, List.of(adminUrls));
    }

    static PurgeHook varnish(Vertx vertx, MeterRegistry registry, List<URI> adminUrls) {
        return varnish(vertx, registry, adminUrls, PurgeConfig.defaults());
    }

    /** With retries, backoff and the purge-all rate limit of {@code config}. */
    static PurgeHook varnish(Vertx vertx, MeterRegistry registry, List<URI> adminUrls, PurgeConfig config) {
        if (adminUrls.isEmpty()) {
            return none();
        }
        return new VarnishPurge(vertx, registry, adminUrls, config, System::nanoTime);
    }
}
