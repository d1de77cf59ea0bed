package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Content negotiation, per-coding ETags and the HTTP date format (issue 9, HTTP conformance). */
@Unit
class ContentCodingTest {
    @Test
    void lastModifiedIsAnImfFixdateWithATwoDigitDay() {
        assertThat(ResponseCache.HTTP_DATE.format(Instant.parse("2026-12-03T02:17:23Z")))
                .isEqualTo("Thu, 03 Dec 2026 02:17:23 GMT");
        assertThat(ResponseCache.HTTP_DATE.format(Instant.parse("2026-11-25T10:00:00Z")))
                .isEqualTo("Wed, 25 Nov 2026 10:00:00 GMT");
    }

    @Test
    void negotiatesBrotliThenGzipAndHonoursQZero() {
        assertThat(ContentCoding.choose(null, true)).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.choose("gzip, deflate, br", true)).isEqualTo(ContentCoding.BROTLI);
        assertThat(ContentCoding.choose("gzip, deflate, br", false)).isEqualTo(ContentCoding.GZIP);
        assertThat(ContentCoding.choose("br;q=0, gzip", true)).isEqualTo(ContentCoding.GZIP);
        assertThat(ContentCoding.choose("br; q=0.0, gzip;q=0", true)).isEqualTo(ContentCoding.IDENTITY);
        assertThat(ContentCoding.choose("deflate", true)).isEqualTo(ContentCoding.IDENTITY);
    }

    @Test
    void eachCodingHasItsOwnStrongETagAndIfNoneMatchTakesAnyOfThem() {
        String etag = ETags.of(3);
        assertThat(ContentCoding.IDENTITY.etag(etag)).isEqualTo("\"v3\"");
        assertThat(ContentCoding.GZIP.etag(etag)).isEqualTo("\"v3-gz\"");
        assertThat(ContentCoding.BROTLI.etag(etag)).isEqualTo("\"v3-br\"");
        for (String sent : new String[] {"\"v3\"", "\"v3-gz\"", "W/\"v3-br\"", "\"x\", \"v3-gz\"", "*"}) {
            assertThat(ETags.matchesNoneMatch(sent, etag)).as(sent).isTrue();
        }
        for (String sent : new String[] {"\"v4\"", "\"v3-zz\"", "\"v33-gz\"", "\"v-gz\""}) {
            assertThat(ETags.matchesNoneMatch(sent, etag)).as(sent).isFalse();
        }
    }

    @Test
    void ifMatchTakesTheTagOfAnyCodingAsTheVersion() {
        assertThat(ETags.parseIfMatch("\"v7-gz\"")).hasValue(7);
        assertThat(ETags.parseIfMatch("\"v7-br\"")).hasValue(7);
        assertThat(ETags.parseIfMatch("\"v7\"")).hasValue(7);
        assertThatThrownBy(() -> ETags.parseIfMatch("W/\"v7-gz\"")).isInstanceOf(BadRequestException.class);
    }

    @Test
    void searchPageTagsFollowTheirBytes() {
        assertThat(ETags.ofContent("a".getBytes())).matches("\"p[0-9a-f]{16}\"")
                .isEqualTo(ETags.ofContent("a".getBytes())).isNotEqualTo(ETags.ofContent("b".getBytes()));
    }
}
