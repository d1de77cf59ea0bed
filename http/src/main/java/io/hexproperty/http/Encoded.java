package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * A response body encoded once and kept ready: identity and gzip bytes, the strong ETag, the
 * Last-Modified date and the surrogate keys. A cache hit writes these bytes as they are: no
 * database, no serialization, no compression.
 */
record Encoded(Buffer identity, Buffer gzip, String etag, String lastModified, String surrogateKeys, long version) {

    static Encoded of(Buffer json, String etag, String lastModified, String surrogateKeys, long version) {
        return new Encoded(json, gzip(json), etag, lastModified, surrogateKeys, version);
    }

    /** Size as the memory tier would weigh it: both bodies plus the strings. */
    int weight() {
        return identity.length() + gzip.length() + 128;
    }

    static Buffer gzip(Buffer body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length() / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(6);
            }
        }) {
            gz.write(body.getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }
}
