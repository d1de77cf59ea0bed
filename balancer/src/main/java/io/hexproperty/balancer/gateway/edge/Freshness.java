package io.hexproperty.balancer.gateway.edge;

import io.vertx.core.MultiMap;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * How long a stored response may be used, as a shared cache reads it (RFC 9111 section 4.2), computed once
 * when the response is stored or revalidated. Pure: times are wall-clock milliseconds passed in, so tests
 * move time by hand.
 *
 * <p>Precedence of the lifetime: a {@code CDN-Cache-Control} field with directives replaces
 * {@code Cache-Control} and {@code Expires} for this cache (RFC 9213 section 2.1); otherwise s-maxage (shared caches
 * only), then max-age, then Expires minus Date, then a heuristic of 10% of the time since Last-Modified
 * (capped at a day) for responses that may be cached heuristically. The age follows RFC 9111 4.2.3:
 * the larger of the apparent age and the Age field corrected by the round trip, plus the resident time.
 */
public record Freshness(long lifetimeMillis, long correctedInitialAgeMillis, long responseTimeMillis,
                        long staleWhileRevalidateMillis, long staleIfErrorMillis, boolean mustRevalidate, boolean noCache,
                        boolean explicit) {
    /** Statuses that may be cached without explicit freshness (RFC 9110 15.1). */
    static final Set<Integer> HEURISTIC = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);
    static final long HEURISTIC_CAP_MILLIS = 86_400_000L;

    /**
     * The directives this cache obeys: the first targeted field that has any, {@code CDN-Cache-Control}
     * (RFC 9213) then {@code Surrogate-Control} (Edge Architecture 1.0; directives aimed at another surrogate
     * with {@code ;target} are skipped), else {@code Cache-Control}.
     */
    static Directives directives(MultiMap headers) {
        Directives targeted = targetedDirectives(headers);
        return targeted.isEmpty() ? Directives.parse(headers.getAll("cache-control")) : targeted;
    }

    /** Whether a targeted field governs (then Expires is ignored too). */
    static boolean targeted(MultiMap headers) {
        return !targetedDirectives(headers).isEmpty();
    }

    private static Directives targetedDirectives(MultiMap headers) {
        Directives cdn = Directives.parse(headers.getAll("cdn-cache-control"));
        if (!cdn.isEmpty()) {
            return cdn;
        }
        List<String> surrogate = headers.getAll("surrogate-control");
        return surrogate.isEmpty() ? Directives.EMPTY : Directives.parse(surrogate).untargeted(EdgeTier.NAME);
    }

    public static Freshness of(int status, MultiMap headers, long requestTimeMillis, long responseTimeMillis) {
        Directives cc = directives(headers);
        boolean targeted = targeted(headers);
        long date = httpDate(headers.get("date"));
        long dateValue = date == Long.MIN_VALUE ? responseTimeMillis : date;
        long lifetime;
        boolean explicit = true;
        long sMaxAge = cc.seconds("s-maxage");
        long maxAge = cc.seconds("max-age");
        String expires = headers.get("expires");
        if (sMaxAge >= 0) {
            lifetime = sMaxAge * 1000;
        } else if (maxAge >= 0) {
            lifetime = maxAge * 1000;
        } else if (!targeted && expires != null) {
            long e = httpDate(expires);
            lifetime = e == Long.MIN_VALUE ? 0 : Math.max(0, e - dateValue); // an invalid Expires means already expired
        } else {
            explicit = false;
            long lastModified = httpDate(headers.get("last-modified"));
            boolean heuristic = HEURISTIC.contains(status) || cc.has("public");
            lifetime = heuristic && lastModified != Long.MIN_VALUE && lastModified < dateValue
                    ? Math.min(HEURISTIC_CAP_MILLIS, (dateValue - lastModified) / 10) : 0;
        }
        long apparentAge = Math.max(0, responseTimeMillis - dateValue);
        long ageValue = ageSeconds(headers.getAll("age")) * 1000;
        long correctedAge = ageValue + Math.max(0, responseTimeMillis - requestTimeMillis);
        long initialAge = Math.max(apparentAge, correctedAge);
        boolean mustRevalidate = cc.has("must-revalidate") || cc.has("proxy-revalidate") || sMaxAge >= 0;
        return new Freshness(lifetime, initialAge, responseTimeMillis,
                Math.max(0, cc.seconds("stale-while-revalidate")) * 1000, Math.max(0, cc.seconds("stale-if-error")) * 1000,
                mustRevalidate, cc.has("no-cache"), explicit);
    }

    public long ageMillis(long nowMillis) {
        return correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis);
    }

    /** Age in whole seconds for the Age field. */
    public long ageSeconds(long nowMillis) {
        return ageMillis(nowMillis) / 1000;
    }

    /** Fresh and usable without contacting the origin (no-cache responses never are). */
    public boolean fresh(long nowMillis) {
        return !noCache && ageMillis(nowMillis) < lifetimeMillis;
    }

    /** How long past its lifetime the response is at {@code nowMillis} (negative while fresh). */
    public long stalenessMillis(long nowMillis) {
        return ageMillis(nowMillis) - lifetimeMillis;
    }

    /** May be served stale while one background revalidation runs. */
    public boolean withinStaleWhileRevalidate(long nowMillis) {
        return !noCache && !mustRevalidate && stalenessMillis(nowMillis) < staleWhileRevalidateMillis;
    }

    /** May be served stale because the origin failed ({@code requestAllowance}: the request's own stale-if-error, or -1). */
    public boolean withinStaleIfError(long nowMillis, long requestAllowanceMillis) {
        if (mustRevalidate) {
            return false;
        }
        long allowance = Math.max(staleIfErrorMillis, requestAllowanceMillis);
        return stalenessMillis(nowMillis) < allowance;
    }

    /**
     * The Age field's value: one line holding one non-negative integer. Anything else (a list, two lines, a
     * sign, a fraction, a parameter) is treated as very old, so the response counts as stale: an Age the cache
     * cannot read must not make a response look younger than it is.
     */
    static long ageSeconds(List<String> values) {
        if (values == null || values.isEmpty()) {
            return 0;
        }
        if (values.size() > 1) {
            return Directives.MAX_DELTA;
        }
        String v = values.getFirst().strip();
        if (v.isEmpty()) {
            return Directives.MAX_DELTA;
        }
        long total = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return Directives.MAX_DELTA;
            }
            total = total * 10 + (c - '0');
            if (total >= Directives.MAX_DELTA) {
                return Directives.MAX_DELTA;
            }
        }
        return total;
    }

    /** An HTTP-date (IMF-fixdate; RFC 850 and asctime are obsolete and not accepted here) in millis, or MIN_VALUE. */
    static long httpDate(String value) {
        if (value == null) {
            return Long.MIN_VALUE;
        }
        try {
            return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
