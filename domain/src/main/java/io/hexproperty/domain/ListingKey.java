package io.hexproperty.domain;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The stable public identifier of a listing (RESO ListingKey). Keys this platform issues are "HX" and
 * ten Crockford base-32 characters (50 bits; no I, L, O or U to misread), made here and nowhere else:
 * {@link #random} for listings created through the API, {@link #ofIndex} for generated ones. Keys
 * from elsewhere only need {@link #isValid}.
 */
public record ListingKey(String value) implements Comparable<ListingKey> {
    /** What {@link #random} and {@link #ofIndex} produce. */
    public static final String ISSUED_FORMAT = "HX[0-9A-HJKMNP-TV-Z]{10}";
    /** The largest index {@link #ofIndex} accepts: 50 bits, as many keys as the format holds. */
    public static final long MAX_INDEX = (1L << 50) - 1;
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    public ListingKey {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new DomainException("listingKey", "must be 1-64 characters of letters, digits, '-' or '_'");
        }
    }

    public static ListingKey of(String value) {
        return new ListingKey(value);
    }

    /**
     * A key of 50 random bits. Random rather than sequential so keys reveal nothing about volume and
     * spread evenly over shards; a collision (1 in 2^25 after 33 million keys) is the store's to catch.
     */
    public static ListingKey random(RandomGenerator random) {
        return issued(random.nextLong() & MAX_INDEX);
    }

    /**
     * The key of index {@code i} of a generated data set: a bijective scramble of the index, so keys
     * are unique, look random (and spread over the primary-key B-tree), and follow from the index alone.
     */
    public static ListingKey ofIndex(long index) {
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("listing index " + index + " must be between 0 and " + MAX_INDEX);
        }
        long x = index;
        x = (x * 0x5DEECE66DL + 0xB) & MAX_INDEX;
        x ^= x >>> 23;
        x = (x * 0x2545F4914F6CDD1DL) & MAX_INDEX;
        x ^= x >>> 29;
        return issued(x);
    }

    private static ListingKey issued(long bits) {
        char[] key = new char[12];
        key[0] = 'H';
        key[1] = 'X';
        for (int i = 11; i >= 2; i--) {
            key[i] = CROCKFORD[(int) (bits & 31)];
            bits >>>= 5;
        }
        return new ListingKey(new String(key));
    }

    /** 1-64 letters, digits, '-' or '_', starting with a letter or digit; no regex: it runs on every request. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '-' && c != '_'))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(ListingKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
