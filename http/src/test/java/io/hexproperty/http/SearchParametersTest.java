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
    private final SearchParameters parser;

    SearchParametersTest() throws Exception {
        parser = new SearchParameters(H3Cells.core());
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
        assertThat(parse("city", "Houston", "state", "TX", "cursor", cursor.encode()).cursor()).contains(cursor);
        assertThat(rejectedParameter("city", "Dallas", "state", "TX", "cursor", cursor.encode())).isEqualTo("cursor");
        assertThat(rejectedParameter("city", "Houston", "state", "TX", "sort", "price_asc", "cursor", cursor.encode()))
                .isEqualTo("cursor");
    }

    @Test
    void acceptsUnicodeAndSqlMetacharactersAsPlainText() {
        assertThat(parse("q", "O'Brien\"; DROP TABLE listings; --").text()).contains("O'Brien\"; DROP TABLE listings; --");
        assertThat(parse("city", "Cañon City", "state", "CO").city()).contains("Cañon City");
    }
}
