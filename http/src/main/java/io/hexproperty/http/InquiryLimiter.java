package io.hexproperty.http;

import io.hexproperty.caching.distributed.TokenBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rate limits of {@code POST /api/v1/inquiries}: a token bucket per client address and one per listing,
 * so one sender cannot flood every agent, and many senders cannot flood one agent. A request must find a
 * token in both (a token taken from the client's bucket is given back when the listing's is empty).
 * The client is the address {@link TrustedProxies} resolves (the TCP peer, or the one a trusted proxy
 * forwarded). The buckets ({@link TokenBuckets}) live on this node ({@link #local}), or in Redis for the whole
 * cluster ({@link #shared}) with this node's own as the fallback (ADR 0025).
 */
public final class InquiryLimiter {

    /** {@code burst} requests at once, refilled at {@code burst} per {@code period}; written {@code 10/1h}. */
    public record Rate(int burst, Duration period) {
        private static final Pattern TEXT = Pattern.compile("([0-9]{1,7})/([0-9]{1,7})(ms|s|m|h|d)");

        public Rate {
            Objects.requireNonNull(period, "period");
            if (burst < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a rate needs a burst >= 1 and a positive period, was " + burst + "/" + period);
            }
        }

        /** {@code 10/1h}, {@code 5/10m}, {@code 100/1s}. */
        public static Rate parse(String text) {
            Matcher m = TEXT.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("a rate is COUNT/DURATION such as 10/1h or 5/10m, was '" + text + "'");
            }
            long n = Long.parseLong(m.group(2));
            Duration period = switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return new Rate(Integer.parseInt(m.group(1)), period);
        }

        @Override
        public String toString() {
            return burst + " per " + period.toString().substring(2).toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param perClient what one client address may send
     * @param perListing what one listing may receive, from everyone together
     */
    public record Config(Rate perClient, Rate perListing) {
        public Config {
            Objects.requireNonNull(perClient, "perClient");
            Objects.requireNonNull(perListing, "perListing");
        }

        /**
         * 10 per hour per client (a buyer writes to a handful of agents, not dozens), 30 per hour per listing
         * (an open-house rush, not a flood into one agent's inbox).
         */
        public static Config defaults() {
            return new Config(new Rate(10, Duration.ofHours(1)), new Rate(30, Duration.ofHours(1)));
        }
    }

    /** A refusal: which limit, and how long until a retry can succeed. */
    public record Refusal(String limit, String parameter, Duration retryAfter, Rate rate) {
        long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private final Config config;
    private final TokenBuckets buckets;
    private final Counter refusedClient;
    private final Counter refusedListing;
    private final Counter fallbacks;

    /** Node-local buckets: with N nodes and no shared store a client gets N times its allowance. */
    public static InquiryLimiter local(Config config, MeterRegistry registry) {
        return local(config, registry, System::nanoTime);
    }

    static InquiryLimiter local(Config config, MeterRegistry registry, LongSupplier nanos) {
        return new InquiryLimiter(config, registry, null, nanos);
    }

    /**
     * Buckets shared by every node ({@code shared}, e.g. Redis), so a client has one allowance cluster-wide.
     * When the shared store fails or is slow, this node decides with its own buckets (fail to local) and counts
     * it in {@code http.inquiries.rate.fallbacks}.
     */
    public static InquiryLimiter shared(Config config, TokenBuckets shared, MeterRegistry registry) {
        return new InquiryLimiter(config, registry, Objects.requireNonNull(shared, "shared"), System::nanoTime);
    }

    private InquiryLimiter(Config config, MeterRegistry registry, TokenBuckets shared, LongSupplier nanos) {
        this.config = Objects.requireNonNull(config, "config");
        this.refusedClient = Counter.builder("http.inquiries.rate.limited").tag("limit", "client")
                .description("Inquiries refused with 429, by the limit reached (client, listing)").register(registry);
        this.refusedListing = Counter.builder("http.inquiries.rate.limited").tag("limit", "listing")
                .description("Inquiries refused with 429, by the limit reached (client, listing)").register(registry);
        this.fallbacks = Counter.builder("http.inquiries.rate.fallbacks")
                .description("Inquiry rate-limit decisions taken by this node's own buckets because the shared (Redis) "
                        + "buckets failed or were slow").register(registry);
        TokenBuckets local = TokenBuckets.local(MAX_BUCKETS, nanos);
        this.buckets = shared == null ? local : TokenBuckets.sharedOrLocal(shared, local, fallbacks::increment);
    }

    /** Clients and listings remembered per node (a forgotten one only had a full bucket, or was least recent). */
    static final int MAX_BUCKETS = 200_000;

    public Config config() {
        return config;
    }

    /** Takes a token for this client and one for this listing (both or neither), or says why not. */
    public CompletionStage<Optional<Refusal>> acquire(String client, String listingKey) {
        List<TokenBuckets.Bucket> wanted = List.of(
                new TokenBuckets.Bucket("client:" + client, config.perClient().burst(), config.perClient().period()),
                new TokenBuckets.Bucket("listing:" + listingKey, config.perListing().burst(), config.perListing().period()));
        return buckets.take(wanted).thenApply(verdict -> {
            if (verdict.granted()) {
                return Optional.empty();
            }
            Duration wait = Duration.ofNanos(verdict.waitNanos());
            if (verdict.refusedBy() == 0) {
                refusedClient.increment();
                return Optional.of(new Refusal("client", null, wait, config.perClient()));
            }
            refusedListing.increment();
            return Optional.of(new Refusal("listing", "ListingKey", wait, config.perListing()));
        });
    }
}
