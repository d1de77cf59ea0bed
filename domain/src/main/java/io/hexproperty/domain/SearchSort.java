package io.hexproperty.domain;

/** The orders a search can be returned in; each is total (ListingKey breaks ties) so paging is stable. */
public enum SearchSort {
    NEWEST("newest"), PRICE_ASC("price_asc"), PRICE_DESC("price_desc");

    private final String wireName;

    SearchSort(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static SearchSort parse(String value) {
        for (SearchSort s : values()) {
            if (s.wireName.equals(value)) {
                return s;
            }
        }
        throw new DomainException("sort", "must be one of newest, price_asc, price_desc");
    }
}
