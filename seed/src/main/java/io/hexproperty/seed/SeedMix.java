package io.hexproperty.seed;

/** The 64-bit finalizer of SplitMix64 (Steele, Lea, Flood 2014): a bijection that scatters nearby inputs. */
final class SeedMix {
    private SeedMix() {}

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
