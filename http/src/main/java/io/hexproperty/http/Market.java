package io.hexproperty.http;

import io.hexproperty.domain.PropertyType;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code market} search parameter: homes for sale (the default) or for rent. A buyer and a
 * renter never want each other's results, and a rent of $1,250 next to a sale price of $250,000 reads
 * as a bargain. Without an explicit {@code type}, each market shows homes only: land, farms and
 * commercial property appear when their type is asked for (ADR 0013).
 */
enum Market {
    SALE("sale", EnumSet.of(PropertyType.Residential, PropertyType.ResidentialIncome)),
    RENT("rent", EnumSet.of(PropertyType.ResidentialLease));

    static final String PARAMETER = "market";
    private final String wireName;
    private final Set<PropertyType> homes;

    Market(String wireName, Set<PropertyType> homes) {
        this.wireName = wireName;
        this.homes = homes;
    }

    String wireName() {
        return wireName;
    }

    /** The types a search of this market covers when no {@code type} is given. */
    Set<PropertyType> homes() {
        return homes;
    }

    static Market of(PropertyType type) {
        return type.isLease() ? RENT : SALE;
    }

    static Market parse(String value) {
        for (Market m : values()) {
            if (m.wireName.equals(value.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw BadRequestException.parameter(PARAMETER, "must be sale or rent, got '" + SearchParameters.clip(value) + "'");
    }
}
