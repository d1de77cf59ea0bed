package io.hexproperty.seed;

/** One populated place of the reference data (GeoNames). */
record Place(long geonamesId, String name, String state, double latitude, double longitude, int population) {
}
