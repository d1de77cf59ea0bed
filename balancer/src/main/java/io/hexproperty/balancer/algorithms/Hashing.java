package io.hexproperty.balancer.algorithms;

import java.nio.charset.StandardCharsets;

/** 64-bit string hashing for the ring and rendezvous scores: FNV-1a then a SplitMix64 finalizer. */
final class Hashing {
    private Hashing() {}

    static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
