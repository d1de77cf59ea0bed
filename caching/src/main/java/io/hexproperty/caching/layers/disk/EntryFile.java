package io.hexproperty.caching.layers.disk;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The byte layout of one disk-tier file.
 * <pre>
 * header := magic "HXD1" (int) | format (int = 1) | crc32 of body (int) | body length (int)
 * body   := key length (int) | key | version (long) | loadedAt seconds (long) | nanos (int)
 *           | tag count (int) | (tag length (int) | utf-8 tag)* | value length (int) | value
 * </pre>
 * Decoding checks everything it can (size, magic, format, length, CRC, every inner length) and reports
 * the first problem instead of throwing, so a bad file is skipped with a reason.
 */
final class EntryFile {

    static final int MAGIC = 0x48584431;
    static final int FORMAT = 1;
    static final int HEADER = 16;

    private EntryFile() {
    }

    record Decoded(byte[] key, long version, Instant loadedAt, Set<String> tags, byte[] value) {}

    /** Either a decoded entry or the reason the bytes are not one. */
    record Result(Decoded entry, String problem) {}

    static byte[] encode(byte[] key, long version, Instant loadedAt, Set<String> tags, byte[] value) {
        byte[][] tagBytes = tags.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        int bodyLength = 4 + key.length + 8 + 8 + 4 + 4 + 4 + value.length;
        for (byte[] t : tagBytes) {
            bodyLength += 4 + t.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER + bodyLength);
        buf.putInt(MAGIC).putInt(FORMAT).putInt(0).putInt(bodyLength);
        buf.putInt(key.length).put(key).putLong(version).putLong(loadedAt.getEpochSecond()).putInt(loadedAt.getNano());
        buf.putInt(tagBytes.length);
        for (byte[] t : tagBytes) {
            buf.putInt(t.length).put(t);
        }
        buf.putInt(value.length).put(value);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), HEADER, bodyLength);
        buf.putInt(8, (int) crc.getValue());
        return buf.array();
    }

    static Result decode(byte[] bytes) {
        if (bytes.length < HEADER) {
            return problem("truncated header: " + bytes.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt() != MAGIC) {
            return problem("bad magic");
        }
        int format = buf.getInt();
        if (format != FORMAT) {
            return problem("unknown format " + format);
        }
        int crc = buf.getInt();
        int length = buf.getInt();
        if (length != bytes.length - HEADER) {
            return problem("length " + length + " but " + (bytes.length - HEADER) + " body bytes");
        }
        CRC32 actual = new CRC32();
        actual.update(bytes, HEADER, length);
        if ((int) actual.getValue() != crc) {
            return problem("crc mismatch");
        }
        try {
            byte[] key = bytes(buf);
            long version = buf.getLong();
            Instant loadedAt = Instant.ofEpochSecond(buf.getLong(), buf.getInt());
            int tagCount = buf.getInt();
            if (tagCount < 0 || tagCount > buf.remaining() / 4) {
                return problem("tag count " + tagCount);
            }
            Set<String> tags = new LinkedHashSet<>();
            for (int i = 0; i < tagCount; i++) {
                tags.add(new String(bytes(buf), StandardCharsets.UTF_8));
            }
            byte[] value = bytes(buf);
            if (buf.hasRemaining()) {
                return problem(buf.remaining() + " trailing bytes");
            }
            return new Result(new Decoded(key, version, loadedAt, Set.copyOf(tags), value), null);
        } catch (BufferUnderflowException | IllegalArgumentException | java.time.DateTimeException e) {
            return problem("malformed body: " + e);
        }
    }

    private static byte[] bytes(ByteBuffer buf) {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining()) {
            throw new IllegalArgumentException("length " + n + " with " + buf.remaining() + " left");
        }
        byte[] out = new byte[n];
        buf.get(out);
        return out;
    }

    private static Result problem(String reason) {
        return new Result(null, reason);
    }
}
