package io.hexproperty.caching.redis;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** How cached values become the bytes stored in Redis and back. */
public interface ValueCodec<V> {

    byte[] encode(V value);

    V decode(byte[] bytes);

    /** Values that already are bytes (pre-encoded JSON/gzip): stored as they are. */
    static ValueCodec<byte[]> bytes() {
        return of(Function.identity(), Function.identity());
    }

    static ValueCodec<String> utf8() {
        return of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
    }

    static <V> ValueCodec<V> of(Function<V, byte[]> encoder, Function<byte[], V> decoder) {
        return new ValueCodec<>() {
            @Override
            public byte[] encode(V value) {
                return encoder.apply(value);
            }

            @Override
            public V decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}
