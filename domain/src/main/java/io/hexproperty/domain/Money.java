package io.hexproperty.domain;

/** A price in whole US dollars; listing prices are quoted in whole dollars. */
public record Money(long dollars) implements Comparable<Money> {
    public static final long MAX = 10_000_000_000L;

    public Money {
        if (dollars < 0 || dollars > MAX) {
            throw new DomainException("ListPrice", "must be between 0 and " + MAX);
        }
    }

    public static Money usd(long dollars) {
        return new Money(dollars);
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(dollars, other.dollars);
    }
}
