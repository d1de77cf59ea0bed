package io.hexproperty.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rate limits of {@code POST /api/v1/inquiries}: a token bucket per client address and one per listing,
 * so one sender cannot flood every agent, and many senders cannot flood one agent. A request must find a
 * token in both (a token taken from the client's bucket is given back when the listing's is empty).
 * Buckets live in a bounded Caffeine map and expire after a full period unused, when they would be full
 * again anyway; an evicted bucket only forgets a client that has not sent for a while.
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
    private final LongSupplier ticker;
    private final Cache<String, TokenBucket> clients;
    private final Cache<String, TokenBucket> listings;
    private final Counter refusedClient;
    private final Counter refusedListing;

    public InquiryLimiter(Config config, MeterRegistry registry) {
        this(config, registry, System::nanoTime);
    }

    InquiryLimiter(Config config, MeterRegistry registry, LongSupplier ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = ticker;
        this.clients = buckets(config.perClient(), ticker);
        this.listings = buckets(config.perListing(), ticker);
        this.refusedClient = Counter.builder("http.inquiries.rate.limited").tag("limit", "client")
                .description("Inquiries refused with 429, by the limit reached (client, listing)").register(registry);
        this.refusedListing = Counter.builder("http.inquiries.rate.limited").tag("limit", "listing")
                .description("Inquiries refused with 429, by the limit reached (client, listing)").register(registry);
    }

    public Config config() {
        return config;
    }

    /** Takes a token for this client and listing, or says why not. */
    public Optional<Refusal> acquire(String client, String listingKey) {
        TokenBucket mine = clients.get(client, k -> new TokenBucket(config.perClient().burst(), config.perClient().period(), ticker));
        long wait = mine.tryTake();
        if (wait > 0) {
            refusedClient.increment();
            return Optional.of(new Refusal("client", null, Duration.ofNanos(wait), config.perClient()));
        }
        TokenBucket listing = listings.get(listingKey,
                k -> new TokenBucket(config.perListing().burst(), config.perListing().period(), ticker));
        wait = listing.tryTake();
        if (wait > 0) {
            mine.refund();
            refusedListing.increment();
            return Optional.of(new Refusal("listing", "ListingKey", Duration.ofNanos(wait), config.perListing()));
        }
        return Optional.empty();
    }

    private static Cache<String, TokenBucket> buckets(Rate rate, LongSupplier ticker) {
        Ticker caffeineTicker = ticker::getAsLong;
        return Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(rate.period()).ticker(caffeineTicker)
                .executor(Runnable::run).build();
    }
}
