package io.hexproperty.seed;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.hexproperty.domain.Address;
import io.hexproperty.domain.GeoPoint;
import io.hexproperty.domain.Listing;
import io.hexproperty.domain.ListingKey;
import io.hexproperty.domain.Money;
import io.hexproperty.domain.PropertyType;
import io.hexproperty.domain.StandardStatus;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

@Unit
class CopyRowsTest {

    @Test
    void escapesExactlyTheBytesTheTextFormatGivesAMeaningTo() {
        StringBuilder sb = new StringBuilder();
        CopyRows.text(sb, "a\\b\tc\nd\re \\N ' \" , é 🏠");
        assertThat(sb).hasToString("a\\\\b\\tc\\nd\\re \\\\N ' \" , é 🏠");
        sb.setLength(0);
        CopyRows.text(sb, "no escapes at all");
        CopyRows.text(sb, "trailing\\");
        assertThat(sb).hasToString("no escapes at alltrailing\\\\");
        sb.setLength(0);
        CopyRows.text(sb, null);
        assertThat(sb).hasToString("\\N");
    }

    @Test
    void writesOneLineWithAFieldPerColumn() {
        Listing l = listing(12);
        StringBuilder sb = new StringBuilder();
        CopyRows.appendListing(sb, l);
        assertThat(sb).hasToString("HX0000000001\tMLS1\tPending\t349900\tResidential\t3\t2\t1650\t12 Oak St\tHouston\tTX"
                + "\t77002\t29.76328\t-95.36327\t1\t2\t2025-12-01\t2025-12-02T10:15:30Z\t12\tLine one\\nline two\t\\N\t1\n");
        assertThat(CopyRows.LISTING_COLUMNS.split(",")).hasSize(sb.toString().split("\t").length);

        sb.setLength(0);
        assertThat(CopyRows.appendCoverPhoto(sb, l)).isTrue();
        assertThat(sb).hasToString("HX0000000001\t1\thttps://media.hexproperty.example/listings/HX0000000001/1.jpg"
                + "\t1600\t1067\tFront exterior\n");
        sb.setLength(0);
        assertThat(CopyRows.appendCoverPhoto(sb, listing(0))).as("no photos, no cover").isFalse();
        assertThat(sb).isEmpty();
    }

    private static Listing listing(int photos) {
        return new Listing(ListingKey.of("HX0000000001"), "MLS1", StandardStatus.Pending, Money.usd(349_900),
                PropertyType.Residential, 3, 2, 1_650, new Address("12 Oak St", "Houston", "TX", "77002"),
                new GeoPoint(29.76328, -95.36327), 1L, 2L, LocalDate.of(2025, 12, 1),
                Instant.parse("2025-12-02T10:15:30Z"), photos, "Line one\nline two", null, 1);
    }
}
