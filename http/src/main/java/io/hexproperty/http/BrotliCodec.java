package io.hexproperty.http;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brotli through brotli4j's native library. Where the library has no build for this platform,
 * {@link #available()} is false and responses are offered in gzip and identity only: Brotli is an
 * optimisation, never a reason not to start.
 *
 * <p>Two qualities: 11 (the densest, tens of times gzip -6's CPU) for the web page, compressed once at
 * startup; 4 for API bodies, compressed when they are encoded for the cache, where every miss pays
 * it on top of gzip: about gzip's CPU for a few percent fewer bytes (5 saves twice as much for
 * about 1.3x the CPU). docs/benchmarks/brotli.md has the numbers.
 */
final class BrotliCodec {
    private static final Logger LOG = LoggerFactory.getLogger(BrotliCodec.class);
    static final int STATIC_QUALITY = 11;
    static final int DYNAMIC_QUALITY = 4;
    /** API bodies below one packet gain too little from Brotli to be worth a third copy in the cache. */
    static final int MIN_DYNAMIC_BYTES = 1400;
    private static final boolean AVAILABLE = load();

    private BrotliCodec() {}

    private static boolean load() {
        try {
            Brotli4jLoader.ensureAvailability();
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError on a platform without a native build
            LOG.warn("Brotli is not available on this platform ({}); serving gzip and identity only", e.toString());
            return false;
        }
    }

    static boolean available() {
        return AVAILABLE;
    }

    /** The Brotli bytes at {@code quality}, or null when Brotli is not available. */
    static Buffer compress(byte[] bytes, int quality) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            return Buffer.buffer(Encoder.compress(bytes, new Encoder.Parameters().setQuality(quality)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For an API body: Brotli at the dynamic quality when it is large enough to gain, else null. */
    static Buffer compressBody(Buffer body) {
        return body.length() < MIN_DYNAMIC_BYTES ? null : compress(body.getBytes(), DYNAMIC_QUALITY);
    }
}
