package io.hexproperty.balancer.health;

import java.util.function.LongSupplier;

/**
 * The passive side of health for one worker: counts consecutive failures of real traffic and decides
 * ejections. Pure, with an injected nanosecond ticker; the pool asks {@link #mayEject} of the whole set
 * (the max-ejected-percent rule) before calling {@link #eject}. The backoff multiplier is forgotten once
 * the worker has stayed in for {@code maxEjection}, so one bad minute last week does not cost minutes now.
 */
public final class OutlierDetector {
    /**
     * What an exchange with the worker ended as. {@code UNREACHABLE} is a refused or reset connection: nothing
     * listens on the worker's port any more (a killed or crashed process), which one failure proves, so it
     * ejects at once; a timeout or a closed connection may be a blip and counts towards the consecutive
     * threshold as {@code LOCAL_FAILURE}.
     */
    public enum Outcome { SUCCESS, SERVER_ERROR, LOCAL_FAILURE, UNREACHABLE }

    private final OutlierConfig config;
    private final LongSupplier nanoTicker;
    private int consecutive5xx;
    private int consecutiveLocal;
    private int ejections;
    private int multiplier;
    private long ejectedUntil;
    private long returnedAt;
    private boolean ejected;

    public OutlierDetector(OutlierConfig config, LongSupplier nanoTicker) {
        this.config = config;
        this.nanoTicker = nanoTicker;
    }

    /** Records an outcome; returns true when the worker now deserves ejection (the caller checks the cap). */
    public synchronized boolean record(Outcome outcome) {
        switch (outcome) {
            case SUCCESS -> {
                consecutive5xx = 0;
                consecutiveLocal = 0;
            }
            case SERVER_ERROR -> {
                consecutive5xx++;
                consecutiveLocal = 0;
            }
            case LOCAL_FAILURE -> consecutiveLocal++;
            case UNREACHABLE -> consecutiveLocal = Math.max(consecutiveLocal + 1, config.consecutiveLocalFailures());
        }
        return !isEjected() && (consecutive5xx >= config.consecutive5xx() || consecutiveLocal >= config.consecutiveLocalFailures());
    }

    /** Ejects now, for the backed-off duration; returns that duration in nanoseconds. */
    public synchronized long eject() {
        long now = nanoTicker.getAsLong();
        if (multiplier > 0 && now - returnedAt > config.maxEjection().toNanos()) {
            multiplier = 0;
        }
        multiplier = Math.min(multiplier + 1, 30);
        long duration = Math.min(config.maxEjection().toNanos(), config.baseEjection().toNanos() << (multiplier - 1));
        if (duration <= 0) {
            duration = config.maxEjection().toNanos();
        }
        ejectedUntil = now + duration;
        ejected = true;
        ejections++;
        consecutive5xx = 0;
        consecutiveLocal = 0;
        return duration;
    }

    /** True while ejected; the first call after the ejection expires returns the worker. */
    public synchronized boolean isEjected() {
        if (ejected && nanoTicker.getAsLong() - ejectedUntil >= 0) {
            ejected = false;
            returnedAt = nanoTicker.getAsLong();
        }
        return ejected;
    }

    /** Nanoseconds since the worker returned from its last ejection, or -1 when it never was ejected. */
    public synchronized long sinceReturnNanos() {
        return ejections == 0 || ejected ? -1 : nanoTicker.getAsLong() - returnedAt;
    }

    public synchronized int ejections() {
        return ejections;
    }

    /** Nanoseconds of ejection left, 0 when in. */
    public synchronized long remainingNanos() {
        return isEjected() ? ejectedUntil - nanoTicker.getAsLong() : 0;
    }

    /** The max-ejected-percent rule: may one more of {@code total} be ejected when {@code ejected} already are? */
    public static boolean mayEject(OutlierConfig config, int ejected, int total) {
        int cap = Math.max(1, (int) Math.floor(total * config.maxEjectedPercent() / 100.0));
        return config.maxEjectedPercent() > 0 && ejected < cap;
    }
}
