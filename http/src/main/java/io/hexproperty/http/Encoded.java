package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * A response body encoded once and kept ready: identity and gzip bytes, Brotli bytes for bodies
 * large enough to gain ({@code br} null otherwise), the strong ETag of the identity coding (each
 * coding's own is derived by {@link ContentCoding#etag}), the Last-Modified date and the surrogate
 * keys. A cache hit writes these bytes as they are: no database, no serialization, no compression.
 */
public record Encoded(Buffer identity, Buffer gzip, Buffer br, String etag, String lastModified, String surrogateKeys,
                      long version) {

    static Encoded of(Buffer json, String etag, String lastModified, String surrogateKeys, long version) {
        return of(json, etag, lastModified, surrogateKeys, version, true);
    }

    /**
     * With {@code brotli} false, no Brotli copy: for a body used once (no cache), where a second
     * compression would cost every request and serve at most one.
     */
    static Encoded of(Buffer json, String etag, String lastModified, String surrogateKeys, long version, boolean brotli) {
        return new Encoded(json, gzip(json), brotli ? BrotliCodec.compressBody(json) : null, etag, lastModified,
                surrogateKeys, version);
    }

    /**
     * A response that is sent once and never kept (the cache is off): no compressed body up front,
     * {@link #gzip()} compresses only if the client asks for it, and no Brotli. Compressing every
     * uncached response in advance cost a Deflater (with its native buffers) per request, for clients
     * that mostly do not take gzip (profile in docs/benchmarks/uncached-path.md).
     */
    static Encoded once(Buffer json, String etag, String lastModified, String surrogateKeys, long version) {
        return new Encoded(json, null, null, etag, lastModified, surrogateKeys, version);
    }

    /** The gzip body: the one compressed up front, or compressed now for a response built by {@link #once}. */
    @Override
    public Buffer gzip() {
        return gzip != null ? gzip : gzip(identity);
    }

    /** The body in {@code coding}; Brotli only when {@link #br} is there. */
    Buffer body(ContentCoding coding) {
        return switch (coding) {
            case BROTLI -> br;
            case GZIP -> gzip();
            case IDENTITY -> identity;
        };
    }

    // 2 added the Brotli body; format 1 (warm-start files of an older build) still reads, without one.
    private static final int FORMAT = 2;

    /**
     * The bytes the disk tier keeps (warm start): format, version, etag, last-modified, surrogate keys,
     * identity and gzip bodies: what the disk tier (warm start) and the distributed tier (L2) keep. The disk
     * tier checksums the file; {@link #fromBytes} rejects anything that does not parse to the end.
     */
    public byte[] toBytes() {
        Buffer gzip = gzip();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(identity.length() + gzip.length() + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(version);
            writeText(out, etag);
            writeText(out, lastModified);
            writeText(out, surrogateKeys);
            out.writeInt(identity.length());
            out.write(identity.getBytes());
            out.writeInt(gzip.length());
            out.write(gzip.getBytes());
            out.writeInt(br == null ? -1 : br.length());
            if (br != null) {
                out.write(br.getBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Encoded fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT && format != 1) {
                throw new IllegalArgumentException("encoded response format " + format + ", expected 1 or " + FORMAT);
            }
            long version = in.readLong();
            String etag = readText(in);
            String lastModified = readText(in);
            String keys = readText(in);
            Buffer identity = Buffer.buffer(body(in, bytes.length));
            Buffer gzip = Buffer.buffer(body(in, bytes.length));
            Buffer br = null;
            if (format >= 2) {
                int n = in.readInt();
                if (n != -1) {
                    br = Buffer.buffer(body(in, n, bytes.length));
                }
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after an encoded response");
            }
            return new Encoded(identity, gzip, br, etag, lastModified, keys, version);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated encoded response of " + bytes.length + " bytes", e);
        }
    }

    private static byte[] body(DataInputStream in, int total) throws IOException {
        return body(in, in.readInt(), total);
    }

    private static byte[] body(DataInputStream in, int n, int total) throws IOException {
        if (n < 0 || n > total) {
            throw new IllegalArgumentException("body length " + n + " out of range for " + total + " bytes");
        }
        byte[] body = new byte[n];
        in.readFully(body);
        return body;
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        out.writeBoolean(text != null);
        if (text != null) {
            out.writeUTF(text);
        }
    }

    private static String readText(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Size as the memory tier would weigh it: the bodies plus the strings. */
    int weight() {
        return identity.length() + gzip().length() + (br == null ? 0 : br.length()) + 128;
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
