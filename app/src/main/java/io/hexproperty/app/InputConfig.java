package io.hexproperty.app;

import io.hexproperty.http.ConnectionGuard;
import io.hexproperty.http.InquiryLimiter;
import io.hexproperty.http.ResponseCache;
import io.hexproperty.http.TrustedProxies;
import java.util.Objects;

/**
 * What {@code serve} does about hostile or runaway input (issue 9): the byte budget of the search-page
 * cache, the public port's header deadline and connection caps, the inquiry rate limits, and the proxies
 * whose X-Forwarded-For names the client (none by default: the client is the TCP peer; ADR 0025).
 * Defaults in {@link #defaults()}, mirrored by {@link ServeCommand}'s options and the README.
 */
record InputConfig(long searchCacheBytes, ConnectionGuard.Config connections, InquiryLimiter.Config inquiries,
                   TrustedProxies trustedProxies) {
    InputConfig {
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(inquiries, "inquiries");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        if (searchCacheBytes < 1024 * 1024 || searchCacheBytes > 64L * 1024 * 1024 * 1024) {
            throw new IllegalArgumentException("--search-cache-mb must be between 1 and 65536, was "
                    + searchCacheBytes / (1024 * 1024));
        }
    }

    static InputConfig defaults() {
        return new InputConfig(ResponseCache.Config.DEFAULT_PAGE_BYTES, ConnectionGuard.Config.defaults(),
                InquiryLimiter.Config.defaults(), TrustedProxies.none());
    }

    InputConfig withConnections(ConnectionGuard.Config value) {
        return new InputConfig(searchCacheBytes, value, inquiries, trustedProxies);
    }

    InputConfig withInquiries(InquiryLimiter.Config value) {
        return new InputConfig(searchCacheBytes, connections, value, trustedProxies);
    }

    InputConfig withTrustedProxies(TrustedProxies value) {
        return new InputConfig(searchCacheBytes, connections, inquiries, value);
    }
}
