package io.hexproperty.domain;

/** WGS84 coordinates. */
public record GeoPoint(double latitude, double longitude) {
    public GeoPoint {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new DomainException("Latitude", "must be between -90 and 90");
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new DomainException("Longitude", "must be between -180 and 180");
        }
    }
}
