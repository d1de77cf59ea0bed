package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.geo.H3Cells;
import io.hexproperty.testing.lane.Unit;
import com.uber.h3core.H3Core;
import io.hexproperty.domain.DomainException;
import io.hexproperty.domain.SearchCursor;
import io.hexproperty.domain.SearchQuery;
import io.hexproperty.domain.SearchSort;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Unit
class SearchParametersTest {
    private final io.hexproperty.domain.Signer signer = io.hexproperty.domain.Signer.random();
    private final SearchParameters parser;

    SearchParametersTest() throws Exception {
        parser = new SearchParameters(H3Cells.core(), signer);
    }

    private SearchQuery parse(String... pairs) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            params.add(pairs[i], pairs[i + 1]);
        }
        return parser.parse(params);
    }

    /** The parameter named in the error, whichever layer (HTTP or domain) rejected it. */
    private String rejectedParameter(String... pairs) {
        try {
            parse(pairs);
        } catch (BadRequestException e) {
            return e.problem().parameter();
        } catch (DomainException e) {
            return e.field();
        }
        throw new AssertionError("accepted " + String.join(",", pairs));
    }

    @Test
    void parsesEveryFilter() throws Exception {
        long cell = H3Cells.core().latLngToCell(29.76, -95.37, 7);
        SearchQuery q = parse("city", "Houston", "state", "tx", "postalCode", "77002", "status", "Active",
                "type", "Residential", "minPrice", "100000", "maxPrice", "500000", "minBeds", "3", "minBaths", "2",
                "minArea", "1200", "bbox", "-96,29,-95,30", "h3", Long.toHexString(cell), "q", "pool garden",
                "sort", "price_asc", "limit", "50");
        assertThat(q.city()).contains("Houston");
        assertThat(q.state()).contains("TX");
        assertThat(q.minPrice()).hasValue(100000);
        assertThat(q.h3Cell()).hasValue(cell);
        assertThat(q.h3Resolution()).isEqualTo(7);
        assertThat(q.bbox()).isPresent();
        assertThat(q.sort()).isEqualTo(SearchSort.PRICE_ASC);
        assertThat(q.limit()).isEqualTo(50);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "limit|0|limit", "limit|101|limit", "limit|-1|limit", "limit|abc|limit", "limit|1e2|limit",
            "limit|99999999999999999999|limit", "minPrice|-5|minPrice", "minPrice|1.5|minPrice",
            "maxPrice|NaN|maxPrice", "minBeds|3000|minBeds", "state|Texas|state", "postalCode|7700|postalCode",
            "status|Sold|status", "type|Castle|type", "sort|cheapest|sort", "bbox|1,2,3|bbox",
            "bbox|a,b,c,d|bbox", "bbox|10,0,-10,5|bbox", "bbox|0,0,200,5|bbox", "bbox|NaN,0,1,1|bbox",
            "bbox|Infinity,0,1,1|bbox", "h3|zz|h3", "h3|ffffffffffffffff|h3", "cursor|garbage|cursor",
            "cursor|'; DROP TABLE listings;--|cursor", "minprice|5|minprice", "city||city"})
    void rejectsBadValuesNamingTheParameter(String name, String value, String expected) {
        assertThat(rejectedParameter(name, value == null ? "" : value)).isEqualTo(expected);
    }

    @Test
    void rejectsInvertedPriceRange() {
        assertThat(rejectedParameter("minPrice", "500", "maxPrice", "100")).isEqualTo("minPrice");
    }

    @Test
    void rejectsRepeatedParameters() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("city", "A").add("city", "B");
        assertThatThrownBy(() -> parser.parse(params)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("at most once");
    }

    @Test
    void rejectsACursorFromAnotherQuery() {
        SearchQuery houston = parse("city", "Houston", "state", "TX");
        SearchCursor cursor = new SearchCursor(SearchSort.NEWEST, 20000, io.hexproperty.domain.ListingKey.of("HX1"),
                SearchCursorAccess.hash(houston));
        assertThat(parse("city", "Houston", "state", "TX", "cursor", cursor.encode(signer)).cursor()).contains(cursor);
        assertThat(rejectedParameter("city", "Dallas", "state", "TX", "cursor", cursor.encode(signer))).isEqualTo("cursor");
        assertThat(rejectedParameter("city", "Houston", "state", "TX", "sort", "price_asc", "cursor", cursor.encode(signer)))
                .isEqualTo("cursor");
    }

    /** Issue 9 item 4: the old FNV-only cursor let anyone build one whose epoch day crashed LocalDate (a 500). */
    @Test
    void rejectsForgedTamperedAndOutOfRangeCursorsNamingTheParameter() {
        SearchQuery houston = parse("city", "Houston", "state", "TX");
        int hash = SearchCursorAccess.hash(houston);
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        // the pre-HMAC format with a day far outside LocalDate's range: accepted by the old decoder
        String unsigned = b64.encodeToString(("v1|newest|9223372036854775807|HX1|" + hash).getBytes());
        assertThat(rejectedParameter("city", "Houston", "state", "TX", "cursor", unsigned)).isEqualTo("cursor");
        // the same fields signed with another deployment's key
        SearchCursor honest = new SearchCursor(SearchSort.NEWEST, 20000, io.hexproperty.domain.ListingKey.of("HX1"), hash);
        String foreign = honest.encode(io.hexproperty.domain.Signer.random());
        assertThat(rejectedParameter("city", "Houston", "state", "TX", "cursor", foreign)).isEqualTo("cursor");
        // one of ours with its body altered (a wider price) and the signature kept
        String ours = honest.encode(signer);
        String body = b64.encodeToString(("v2|newest|99999999999|HX1|" + hash).getBytes());
        String altered = body + ours.substring(ours.lastIndexOf('.'));
        assertThat(rejectedParameter("city", "Houston", "state", "TX", "cursor", altered)).isEqualTo("cursor");
        // out of range even when signed: the domain refuses to build it
        assertThatThrownBy(() -> new SearchCursor(SearchSort.NEWEST, Long.MAX_VALUE, io.hexproperty.domain.ListingKey.of("HX1"), hash))
                .isInstanceOfSatisfying(io.hexproperty.domain.DomainException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
        assertThatThrownBy(() -> new SearchCursor(SearchSort.PRICE_ASC, -1, io.hexproperty.domain.ListingKey.of("HX1"), hash))
                .isInstanceOfSatisfying(io.hexproperty.domain.DomainException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
        assertThat(parse("city", "Houston", "state", "TX", "cursor", ours).cursor()).contains(honest);
    }

    /** Property: whatever bytes arrive as a cursor, the outcome is the query or a 400 naming cursor, never anything else. */
    @Test
    void randomCursorTextIsEitherRejectedAsCursorOrNeverThrowsAnythingElse() {
        java.util.Random random = new java.util.Random(9);
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        SearchCursor honest = new SearchCursor(SearchSort.NEWEST, 20000, io.hexproperty.domain.ListingKey.of("HX1"),
                SearchCursorAccess.hash(parse("city", "Houston", "state", "TX")));
        String ours = honest.encode(signer);
        for (int i = 0; i < 5_000; i++) {
            String text = switch (i % 4) {
                case 0 -> { byte[] raw = new byte[1 + random.nextInt(200)]; random.nextBytes(raw); yield b64.encodeToString(raw); }
                case 1 -> { byte[] raw = new byte[1 + random.nextInt(120)]; random.nextBytes(raw); yield b64.encodeToString(raw) + "." + b64.encodeToString(java.util.Arrays.copyOf(raw, 16)); }
                case 2 -> { char[] c = ours.toCharArray(); c[random.nextInt(c.length)] = "AZaz09-_.|".charAt(random.nextInt(10)); yield new String(c); }
                default -> { byte[] raw = new byte[1 + random.nextInt(100)]; random.nextBytes(raw); yield new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).replace('\0', 'x'); }
            };
            if (text.equals(ours)) {
                continue;
            }
            MultiMap params = MultiMap.caseInsensitiveMultiMap().add("city", "Houston").add("state", "TX").add("cursor", text);
            try {
                parser.parse(params);
                org.assertj.core.api.Assertions.fail("accepted a cursor this deployment never issued: " + text);
            } catch (BadRequestException e) {
                assertThat(e.problem().parameter()).isEqualTo("cursor");
            } catch (io.hexproperty.domain.DomainException e) {
                assertThat(e.field()).as(text).isEqualTo("cursor");
            }
        }
    }

    @Test
    void acceptsUnicodeAndSqlMetacharactersAsPlainText() {
        assertThat(parse("q", "O'Brien\"; DROP TABLE listings; --").text()).contains("O'Brien\"; DROP TABLE listings; --");
        assertThat(parse("city", "Cañon City", "state", "CO").city()).contains("Cañon City");
    }
}
