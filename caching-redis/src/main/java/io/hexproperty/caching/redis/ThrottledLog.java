package io.hexproperty.caching.redis;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning at most once per interval: while Redis is down every call fails, and one line per call
 * would flood the log. Each line says how many failures it stands for.
 */
final class ThrottledLog {

    private final Logger log;
    private final Ticker ticker;
    private final long intervalNanos;
    private final AtomicLong nextAt;
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledLog(Logger log, Ticker ticker, Duration interval) {
        this.log = log;
        this.ticker = ticker;
        this.intervalNanos = interval.toNanos();
        this.nextAt = new AtomicLong(ticker.read());
    }

    /** True when this call wrote the line, false when it was only counted. */
    boolean warn(String message, Throwable cause) {
        long now = ticker.read();
        long due = nextAt.get();
        if (now - due >= 0 && nextAt.compareAndSet(due, now + intervalNanos)) {
            long others = suppressed.getAndSet(0);
            log.warn("{} ({} similar failures since the last warning): {}", message, others, describe(cause));
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
