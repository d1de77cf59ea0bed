package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

@Unit
class EncodedTest {
    @Test
    void survivesTheDiskFormatWhole() {
        Encoded original = Encoded.of(Buffer.buffer("{\"ListingKey\":\"K1\",\"version\":7}"), "\"v7\"",
                "Wed, 25 Nov 2026 10:00:00 GMT", "listing:K1 city:dallas-tx h3:872a1072bffffff", 7);
        Encoded back = Encoded.fromBytes(original.toBytes());
        assertThat(back).isEqualTo(original);
        assertThat(back.gzip()).isEqualTo(original.gzip());

        Encoded page = Encoded.of(Buffer.buffer("{\"items\":[]}"), null, null, "listings:any", 1);
        assertThat(Encoded.fromBytes(page.toBytes())).isEqualTo(page);
    }

    @Test
    void aBodySentOnceIsCompressedOnlyWhenAskedAndTheSameAsOneKept() throws Exception {
        Buffer json = Buffer.buffer("{\"items\":[" + "{\"City\":\"Houston\"},".repeat(200) + "{}]}");
        Encoded kept = Encoded.of(json, "\"v3\"", "Wed, 25 Nov 2026 10:00:00 GMT", "listing:K3", 3, false);
        Encoded once = Encoded.once(json, "\"v3\"", "Wed, 25 Nov 2026 10:00:00 GMT", "listing:K3", 3);

        assertThat(once.identity()).isEqualTo(json);
        assertThat(once.br()).isNull();
        assertThat(once.body(ContentCoding.GZIP)).isEqualTo(kept.gzip());
        assertThat(gunzip(once.gzip())).isEqualTo(json.getBytes());
        assertThat(once.gzip()).isEqualTo(kept.gzip());
        assertThat(once.weight()).isEqualTo(kept.weight());
        assertThat(Encoded.fromBytes(once.toBytes())).isEqualTo(kept);
    }

    private static byte[] gunzip(Buffer gz) throws java.io.IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.getBytes()))) {
            return in.readAllBytes();
        }
    }

    @Test
    void aLargeBodyKeepsItsBrotliBytesThroughTheDiskFormat() {
        Buffer json = Buffer.buffer("{\"items\":[" + "{\"City\":\"Houston\",\"ListPrice\":250000},".repeat(100) + "{}]}");
        Encoded page = Encoded.of(json, "\"p0123456789abcdef\"", null, "listings:any", 1);
        assertThat(page.br()).isNotNull();
        assertThat(page.br().length()).isLessThan(page.gzip().length());
        Encoded back = Encoded.fromBytes(page.toBytes());
        assertThat(back).isEqualTo(page);
        assertThat(back.body(ContentCoding.BROTLI)).isEqualTo(page.br());
        // A small body is not worth a third copy.
        assertThat(Encoded.of(Buffer.buffer("{}"), "\"v1\"", null, "k", 1).br()).isNull();
    }

    @Test
    void readsTheFormatWrittenBeforeBrotli() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeLong(4);
            out.writeBoolean(true);
            out.writeUTF("\"v4\"");
            out.writeBoolean(false);
            out.writeBoolean(true);
            out.writeUTF("listing:K");
            Buffer identity = Buffer.buffer("{}");
            out.writeInt(identity.length());
            out.write(identity.getBytes());
            Buffer gzip = Encoded.gzip(identity);
            out.writeInt(gzip.length());
            out.write(gzip.getBytes());
        }
        Encoded old = Encoded.fromBytes(bytes.toByteArray());
        assertThat(old.identity().toString()).isEqualTo("{}");
        assertThat(old.br()).isNull();
        assertThat(old.etag()).isEqualTo("\"v4\"");
    }

    @Test
    void rejectsTruncatedOrPaddedBytes() {
        byte[] bytes = Encoded.of(Buffer.buffer("{}"), "\"v1\"", "x", "listing:K", 1).toBytes();
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> Encoded.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Encoded.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
