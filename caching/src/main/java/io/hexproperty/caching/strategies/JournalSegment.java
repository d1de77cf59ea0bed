package io.hexproperty.caching.strategies;

import io.hexproperty.caching.KeyCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * One journal segment file and its in-memory sums.
 *
 * <pre>
 * file   := magic "HXWB" (int) | format (int = 1) | record*
 * record := length (int, bytes after the crc) | crc32 (int, of length and payload) | payload
 * payload:= delta (long) | key bytes (length - 8)
 * </pre>
 * Replay reads records until end of file or the first record that is short or fails its CRC (a torn
 * write at a crash, never acknowledged since acks follow the write), and ignores the rest.
 */
final class JournalSegment<K> {

    static final int MAGIC = 0x48585742;
    static final int FORMAT = 1;
    static final int HEADER_BYTES = 8;
    static final int MAX_KEY_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.journal");

    final long sequence;
    final Path path;
    final Map<K, Long> totals;
    long records;
    long increments;

    private JournalSegment(long sequence, Path path, Map<K, Long> totals) {
        this.sequence = sequence;
        this.path = path;
        this.totals = totals;
    }

    static Path path(Path directory, long sequence) {
        return directory.resolve(String.format("segment-%020d.journal", sequence));
    }

    static OptionalLong sequenceOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Creates the file with its header; the returned channel appends. */
    static <K> JournalSegment<K> create(Path directory, long sequence, FileChannel[] channel) throws IOException {
        Path path = path(directory, sequence);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(FORMAT).flip();
        try {
            while (header.hasRemaining()) {
                ch.write(header);
            }
        } catch (IOException e) {
            ch.close(); // a disk that is full now: no half-made segment left behind, no leaked channel
            java.nio.file.Files.deleteIfExists(path);
            throw e;
        }
        channel[0] = ch;
        return new JournalSegment<>(sequence, path, new HashMap<>());
    }

    void add(K key, long delta) {
        totals.merge(key, delta, Long::sum);
        records++;
        increments += delta;
    }

    static ByteBuffer encode(ByteBuffer buffer, byte[] key, long delta) {
        int length = Long.BYTES + key.length;
        ByteBuffer out = buffer.remaining() >= 8 + length ? buffer
                : ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + 8 + length))
                        .put(buffer.flip());
        CRC32 crc = new CRC32();
        ByteBuffer payload = ByteBuffer.allocate(Integer.BYTES + length).putInt(length).putLong(delta).put(key).flip();
        crc.update(payload.duplicate());
        payload.position(Integer.BYTES);
        return out.putInt(length).putInt((int) crc.getValue()).put(payload);
    }

    /** The segment's sums as far as its records are intact; {@code torn} says whether the tail was cut. */
    static <K> Replay<K> replay(Path file, long sequence, KeyCodec<K> codec) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        JournalSegment<K> segment = new JournalSegment<>(sequence, file, new HashMap<>());
        if (bytes.length < HEADER_BYTES || in.getInt() != MAGIC || in.getInt() != FORMAT) {
            return new Replay<>(segment, bytes.length > 0 ? "bad header" : null);
        }
        CRC32 crc = new CRC32();
        while (in.remaining() > 0) {
            if (in.remaining() < 8) {
                return new Replay<>(segment, "short record header at byte " + in.position());
            }
            int at = in.position();
            int length = in.getInt();
            int expected = in.getInt();
            if (length < Long.BYTES || length > Long.BYTES + MAX_KEY_BYTES || in.remaining() < length) {
                return new Replay<>(segment, "record of " + length + " bytes at byte " + at + " with "
                        + in.remaining() + " left");
            }
            crc.reset();
            crc.update(bytes, at, Integer.BYTES);
            crc.update(bytes, at + 8, length);
            if ((int) crc.getValue() != expected) {
                return new Replay<>(segment, "crc mismatch at byte " + at);
            }
            long delta = in.getLong();
            byte[] key = new byte[length - Long.BYTES];
            in.get(key);
            segment.add(codec.decode(key), delta);
        }
        return new Replay<>(segment, null);
    }

    record Replay<K>(JournalSegment<K> segment, String damage) {}
}
