package io.hexproperty.balancer.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Secondary keys (Vary), 304 updates, storability and the client's conditionals, without a socket. */
@Unit
class StoredResponseTest {
    private static final long T0 = 1_796_000_000_000L;

    private static MultiMap h(String... pairs) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            m.add(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static StoredResponse stored(MultiMap response, MultiMap request) {
        return StoredResponse.of(200, "OK", response, Buffer.buffer("body"), request, T0, T0, "Surrogate-Key");
    }

    @Test
    void varySelectsByTheNormalisedRequestValuesAndAnAbsentFieldIsNotAnEmptyOne() {
        StoredResponse r = stored(h("cache-control", "max-age=60", "vary", "Accept-Encoding, X-Lang"),
                h("accept-encoding", "gzip,  br", "x-lang", "en"));
        assertThat(r.matches(h("Accept-Encoding", "gzip, br", "X-Lang", "en"))).isTrue();
        assertThat(r.matches(h("accept-encoding", "gzip", "x-lang", "en"))).isFalse();
        assertThat(r.matches(h("accept-encoding", "gzip, br"))).isFalse();
        StoredResponse absent = stored(h("cache-control", "max-age=60", "vary", "x-lang"), h());
        assertThat(absent.matches(h())).isTrue();
        assertThat(absent.matches(h("x-lang", ""))).isFalse();
    }

    @Test
    void varyStarIsNeverStoredNorAreNoStorePrivateOrUnknownStatuses() {
        assertThat(EdgeTier.storable(stored(h("cache-control", "max-age=60", "vary", "*"), h()))).isFalse();
        assertThat(EdgeTier.storable(stored(h("cache-control", "max-age=60, no-store"), h()))).isFalse();
        assertThat(EdgeTier.storable(stored(h("cache-control", "max-age=60, private"), h()))).isFalse();
        assertThat(EdgeTier.storable(stored(h("cache-control", "max-age=60"), h()))).isTrue();
        assertThat(EdgeTier.storable(stored(h(), h()))).as("nothing to reuse it by").isFalse();
        assertThat(EdgeTier.storable(stored(h("etag", "\"v1\""), h()))).as("revalidatable").isTrue();
        StoredResponse unknown = StoredResponse.of(599, "Whatever", h("cache-control", "max-age=60, must-understand"),
                Buffer.buffer(), h(), T0, T0, "Surrogate-Key");
        assertThat(EdgeTier.storable(unknown)).isFalse();
        StoredResponse understood = StoredResponse.of(200, "OK", h("cache-control", "max-age=60, no-store, must-understand"),
                Buffer.buffer(), h(), T0, T0, "Surrogate-Key");
        assertThat(EdgeTier.storable(understood)).isTrue();
    }

    @Test
    void a304UpdatesStoredFieldsAndFreshnessButNeverTheValidatorOrFraming() {
        StoredResponse r = stored(h("cache-control", "max-age=1", "etag", "\"a\"", "x-version", "1", "content-length", "4",
                "surrogate-key", "listing:A"), h());
        StoredResponse updated = r.revalidated(h("cache-control", "max-age=600", "etag", "\"b\"", "x-version", "2",
                "content-length", "0", "surrogate-key", "listing:A city:x"), T0 + 5_000, T0 + 5_000, "Surrogate-Key");
        assertThat(updated.headers().get("x-version")).isEqualTo("2");
        assertThat(updated.etag()).isEqualTo("\"a\"");
        assertThat(updated.headers().get("content-length")).isEqualTo("4");
        assertThat(updated.freshness().lifetimeMillis()).isEqualTo(600_000);
        assertThat(updated.freshness().fresh(T0 + 10_000)).isTrue();
        assertThat(updated.surrogateKeys()).containsExactlyInAnyOrder("listing:A", "city:x");
        assertThat(updated.body().toString()).isEqualTo("body");
    }

    @Test
    void clientConditionalsUseWeakComparisonAndIfNoneMatchWinsOverIfModifiedSince() {
        StoredResponse r = stored(h("cache-control", "max-age=60", "etag", "W/\"v7\"",
                "last-modified", "Wed, 01 Jan 2020 00:00:00 GMT"), h());
        assertThat(EdgeTier.notModified(h("if-none-match", "\"v6\", \"v7\""), r)).isTrue();
        assertThat(EdgeTier.notModified(h("if-none-match", "\"v8\"", "if-modified-since", "Thu, 02 Jan 2020 00:00:00 GMT"), r)).isFalse();
        assertThat(EdgeTier.notModified(h("if-modified-since", "Thu, 02 Jan 2020 00:00:00 GMT"), r)).isTrue();
        assertThat(EdgeTier.notModified(h("if-modified-since", "Tue, 31 Dec 2019 00:00:00 GMT"), r)).isFalse();
    }

    @Test
    void requestDirectivesNarrowWhatIsUsable() {
        StoredResponse r = stored(h("cache-control", "max-age=60"), h());
        assertThat(EdgeTier.usable(r, Directives.parse("max-age=10"), T0 + 20_000)).isFalse();
        assertThat(EdgeTier.usable(r, Directives.parse("min-fresh=50"), T0 + 20_000)).isFalse();
        assertThat(EdgeTier.usable(r, Directives.EMPTY, T0 + 20_000)).isTrue();
        assertThat(EdgeTier.usable(r, Directives.parse("max-stale=30"), T0 + 80_000)).isTrue();
        assertThat(EdgeTier.usable(r, Directives.parse("max-stale=10"), T0 + 80_000)).isFalse();
    }

    @Test
    void locationsOfAnotherAuthorityAreNotInvalidated() {
        assertThat(EdgeTier.sameAuthority("shop:80", "/a/b", "../c?x=1")).contains("/c?x=1");
        assertThat(EdgeTier.sameAuthority("shop:80", "/a/b", "http://shop:80/d")).contains("/d");
        assertThat(EdgeTier.sameAuthority("shop:80", "/a/b", "http://evil:80/d")).isEmpty();
    }
}
