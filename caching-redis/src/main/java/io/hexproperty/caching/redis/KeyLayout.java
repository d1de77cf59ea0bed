package io.hexproperty.caching.redis;

import io.hexproperty.caching.KeyCodec;
import java.nio.charset.StandardCharsets;

/**
 * {@code {prefix:key}:v|t|l}. Redis hashes only what lies between the first '{' and the next '}', so the
 * three keys of one cache key share a slot even when the key's own bytes contain braces.
 */
final class KeyLayout<K> {

    private final byte[] open;
    private final KeyCodec<K> codec;

    KeyLayout(String prefix, KeyCodec<K> codec) {
        this.open = ("{" + prefix + ":").getBytes(StandardCharsets.UTF_8);
        this.codec = codec;
    }

    /** A SCAN pattern of every value key of this layout (braces are literal in Redis glob patterns). */
    String valuePattern() {
        return new String(open, StandardCharsets.UTF_8).replace("*", "\\*").replace("?", "\\?")
                .replace("[", "\\[") + "*}:v";
    }

    byte[] value(K key) {
        return build(key, 'v');
    }

    byte[] tombstone(K key) {
        return build(key, 't');
    }

    byte[] lease(K key) {
        return build(key, 'l');
    }

    private byte[] build(K key, char suffix) {
        byte[] k = codec.encode(key);
        byte[] out = new byte[open.length + k.length + 3];
        System.arraycopy(open, 0, out, 0, open.length);
        System.arraycopy(k, 0, out, open.length, k.length);
        out[out.length - 3] = '}';
        out[out.length - 2] = ':';
        out[out.length - 1] = (byte) suffix;
        return out;
    }
}
