package io.hexproperty.caching;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** How keys become bytes on disk (journal records, disk-tier files) and back. */
public interface KeyCodec<K> {

    byte[] encode(K key);

    K decode(byte[] bytes);

    static KeyCodec<String> utf8() {
        return of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
    }

    /** A codec through a String form, e.g. {@code KeyCodec.ofString(ListingKey::value, ListingKey::new)}. */
    static <K> KeyCodec<K> ofString(Function<K, String> toText, Function<String, K> fromText) {
        KeyCodec<String> text = utf8();
        return of(k -> text.encode(toText.apply(k)), b -> fromText.apply(text.decode(b)));
    }

    static <K> KeyCodec<K> of(Function<K, byte[]> encoder, Function<byte[], K> decoder) {
        return new KeyCodec<>() {
            @Override
            public byte[] encode(K key) {
                return encoder.apply(key);
            }

            @Override
            public K decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}
