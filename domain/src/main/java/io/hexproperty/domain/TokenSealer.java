package io.hexproperty.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Seals the consistency tokens writes return ({@link Committed}) so that a read presenting one can
 * trust it: {@code <position>.<issued ms>.<signature>}. A token skips every cache and, with replicas,
 * picks the database node, so a client must not be able to make one up (a huge position would pin
 * every read to the primary): only tokens this deployment signed, and not issued in the future, are
 * accepted; anything else is a {@link DomainException} naming {@link Committed#TOKEN_HEADER} (a 400).
 *
 * <p>The issue time guards against a key leaked together with clock-skewed tokens and gives operators
 * the age of a token in logs; {@code skew} allows for clocks of cluster nodes that differ slightly.
 */
public final class TokenSealer {
    static final Duration DEFAULT_SKEW = Duration.ofSeconds(5);
    private static final int MAX_TEXT = 200;

    private final Signer signer;
    private final Clock clock;
    private final Duration skew;

    public TokenSealer(Signer signer, Clock clock) {
        this(signer, clock, DEFAULT_SKEW);
    }

    public TokenSealer(Signer signer, Clock clock, Duration skew) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.skew = Objects.requireNonNull(skew, "skew");
    }

    /** The sealed form of a store's raw token (a WAL position). */
    public String seal(String raw) {
        String body = raw + "." + clock.millis();
        return body + "." + signer.sign(body);
    }

    /** The raw token inside {@code sealed}, or a DomainException naming the header. */
    public String open(String sealed) {
        if (sealed == null || sealed.isEmpty() || sealed.length() > MAX_TEXT) {
            throw invalid("is not a token issued by this deployment");
        }
        String text = sealed.strip();
        int sig = text.lastIndexOf('.');
        int time = sig > 0 ? text.lastIndexOf('.', sig - 1) : -1;
        if (time <= 0 || !signer.verifies(text.substring(0, sig), text.substring(sig + 1))) {
            throw invalid("is not a token issued by this deployment");
        }
        long issued;
        try {
            issued = Long.parseLong(text.substring(time + 1, sig));
        } catch (NumberFormatException e) {
            throw invalid("is not a token issued by this deployment");
        }
        if (issued > clock.millis() + skew.toMillis()) {
            throw invalid("was issued in the future; use the token a write returned");
        }
        return text.substring(0, time);
    }

    private static DomainException invalid(String reason) {
        return new DomainException(Committed.TOKEN_HEADER, reason);
    }
}
