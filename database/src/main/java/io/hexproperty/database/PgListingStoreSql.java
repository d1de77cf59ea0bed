package io.hexproperty.database;

/** The point-read statements of {@link PgListingStore}, shared with {@link ApiQueryPlans}. */
final class PgListingStoreSql {
    static final String FIND = "SELECT " + ListingRows.COLUMNS + " FROM listings WHERE listing_key = $1";
    static final String LOCK = FIND + " FOR UPDATE";

    private PgListingStoreSql() {}
}
