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
        Encoded kept = Encoded.of(json, "\"v3\"", "Wed, 25 Nov 2026 10:00:00 GMT", "listing:K3", 3);
        Encoded once = Encoded.once(json, "\"v3\"", "Wed, 25 Nov 2026 10:00:00 GMT", "listing:K3", 3);

        assertThat(once.identity()).isEqualTo(json);
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
