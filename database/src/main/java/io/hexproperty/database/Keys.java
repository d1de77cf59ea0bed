package io.hexproperty.database;

import io.hexproperty.domain.ListingKey;
import java.security.SecureRandom;

/**
 * Random identifiers from one {@link SecureRandom}. Listing keys take their format from
 * {@link ListingKey#random}; agent keys are a prefix and 10 characters of the RFC 4648 base32 alphabet (50 bits). Random
 * rather than sequential so keys reveal nothing about volume and spread evenly over shards; a
 * collision (1 in 2^25 after 33 million keys per prefix) is caught by the primary key and retried.
 */
final class Keys {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {}

    static ListingKey listingKey() {
        return ListingKey.random(RANDOM);
    }

    static String next(String prefix) {
        StringBuilder b = new StringBuilder(prefix.length() + 10).append(prefix);
        long bits = RANDOM.nextLong();
        for (int i = 0; i < 10; i++) {
            b.append(BASE32[(int) (bits & 31)]);
            bits >>>= 5;
        }
        return b.toString();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
