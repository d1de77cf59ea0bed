package io.hexproperty.database;

/** The point-read statements of {@link PgListingStore}, shared with {@link ApiQueryPlans}. */
public final class PgListingStoreSql {
    public static final String FIND = "SELECT " + ListingRows.COLUMNS + " FROM listings WHERE listing_key = $1";
    public static final String LOCK = FIND + " FOR UPDATE";

    private PgListingStoreSql() {}
}
