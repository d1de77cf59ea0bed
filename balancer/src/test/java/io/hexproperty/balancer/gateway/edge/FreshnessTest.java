package io.hexproperty.balancer.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Freshness as a shared cache computes it (RFC 9111 4.2, RFC 9213), on hand-moved wall-clock time. */
@Unit
class FreshnessTest {
    private static final long T0 = 1_796_000_000_000L;

    private static String date(long millis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
    }

    private static MultiMap headers(String... pairs) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("date", date(T0));
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    private static Freshness of(MultiMap h) {
        return Freshness.of(200, h, T0, T0);
    }

    @Test
    void sMaxAgeWinsOverMaxAgeInASharedCache() {
        Freshness f = of(headers("cache-control", "max-age=10, s-maxage=100"));
        assertThat(f.lifetimeMillis()).isEqualTo(100_000);
        assertThat(f.fresh(T0 + 50_000)).isTrue();
        assertThat(f.fresh(T0 + 100_000)).isFalse();
        assertThat(f.mustRevalidate()).as("s-maxage implies proxy-revalidate").isTrue();
    }

    @Test
    void cdnCacheControlReplacesCacheControlAndExpires() {
        Freshness f = of(headers("cache-control", "max-age=3600", "cdn-cache-control", "max-age=5",
                "expires", date(T0 + 3_600_000)));
        assertThat(f.lifetimeMillis()).isEqualTo(5_000);
        Freshness noStoreElsewhere = of(headers("cache-control", "no-store", "cdn-cache-control", "max-age=60"));
        assertThat(Freshness.directives(headers("cache-control", "no-store", "cdn-cache-control", "max-age=60")).has("no-store")).isFalse();
        assertThat(noStoreElsewhere.lifetimeMillis()).isEqualTo(60_000);
    }

    @Test
    void surrogateControlDirectivesForAnotherSurrogateAreIgnored() {
        assertThat(of(headers("surrogate-control", "max-age=30")).lifetimeMillis()).isEqualTo(30_000);
        assertThat(of(headers("cache-control", "max-age=1", "surrogate-control", "max-age=30;other")).lifetimeMillis())
                .isEqualTo(1_000);
    }

    @Test
    void expiresMinusDateAndAnInvalidExpiresIsAlreadyExpired() {
        assertThat(of(headers("expires", date(T0 + 20_000))).lifetimeMillis()).isEqualTo(20_000);
        Freshness invalid = of(headers("expires", "0"));
        assertThat(invalid.lifetimeMillis()).isZero();
        assertThat(invalid.fresh(T0)).isFalse();
    }

    @Test
    void heuristicIsATenthOfTheTimeSinceLastModifiedOnlyForHeuristicStatuses() {
        MultiMap h = headers("last-modified", date(T0 - 100_000));
        assertThat(Freshness.of(200, h, T0, T0).lifetimeMillis()).isEqualTo(10_000);
        assertThat(Freshness.of(200, h, T0, T0).explicit()).isFalse();
        assertThat(Freshness.of(302, h, T0, T0).lifetimeMillis()).isZero();
    }

    @Test
    void ageIsCorrectedByTheRoundTripAndGrowsWithResidentTime() {
        // the origin said Age 10; the answer took 2 s to arrive: corrected initial age 12 s
        MultiMap h = headers("cache-control", "max-age=60", "age", "10");
        Freshness f = Freshness.of(200, h, T0, T0 + 2_000);
        assertThat(f.ageSeconds(T0 + 2_000)).isEqualTo(12);
        assertThat(f.ageSeconds(T0 + 32_000)).isEqualTo(42);
        assertThat(f.fresh(T0 + 49_000)).isTrue();
        assertThat(f.fresh(T0 + 50_000)).isFalse();
    }

    @Test
    void apparentAgeFromASlowDateWinsOverASmallerAge() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("date", date(T0 - 30_000)).add("cache-control", "max-age=60");
        assertThat(Freshness.of(200, h, T0, T0).ageSeconds(T0)).isEqualTo(30);
    }

    @Test
    void anUnreadableAgeMakesTheResponseStale() {
        for (List<String> age : List.of(List.of("abc"), List.of("-7200"), List.of("7200.0"), List.of("0, 0"),
                List.of("0", "0"), List.of("7200;foo=bar"))) {
            MultiMap h = headers("cache-control", "max-age=3600");
            age.forEach(a -> h.add("age", a));
            assertThat(of(h).fresh(T0)).as("Age %s", age).isFalse();
        }
        assertThat(of(headers("cache-control", "max-age=3600", "age", "100")).fresh(T0)).isTrue();
    }

    @Test
    void invalidOrConflictingMaxAgeCountsAsZeroAndHugeValuesAreCapped() {
        assertThat(of(headers("cache-control", "max-age=1.5")).lifetimeMillis()).isZero();
        assertThat(of(headers("cache-control", "max-age=60, max-age=3600")).lifetimeMillis()).isZero();
        assertThat(of(headers("cache-control", "max-age=99999999999")).lifetimeMillis()).isEqualTo(Directives.MAX_DELTA * 1000);
        assertThat(of(headers("cache-control", "MAX-AGE=\"60\"")).lifetimeMillis()).isEqualTo(60_000);
    }

    @Test
    void staleWhileRevalidateAndStaleIfErrorWindowsFollowTheLifetime() {
        Freshness f = of(headers("cache-control", "max-age=10, stale-while-revalidate=20, stale-if-error=60"));
        assertThat(f.withinStaleWhileRevalidate(T0 + 25_000)).isTrue();
        assertThat(f.withinStaleWhileRevalidate(T0 + 30_000)).isFalse();
        assertThat(f.withinStaleIfError(T0 + 65_000, -1)).isTrue();
        assertThat(f.withinStaleIfError(T0 + 70_000, -1)).isFalse();
        assertThat(f.withinStaleIfError(T0 + 70_000, 120_000)).as("the request's own stale-if-error").isTrue();
    }

    @Test
    void mustRevalidateAndNoCacheForbidServingStale() {
        Freshness must = of(headers("cache-control", "max-age=10, must-revalidate, stale-while-revalidate=20, stale-if-error=60"));
        assertThat(must.withinStaleWhileRevalidate(T0 + 15_000)).isFalse();
        assertThat(must.withinStaleIfError(T0 + 15_000, 60_000)).isFalse();
        Freshness noCache = of(headers("cache-control", "max-age=60, no-cache"));
        assertThat(noCache.fresh(T0)).isFalse();
    }
}
