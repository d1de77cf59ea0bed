package io.hexproperty.domain;

/** A map viewport: minLon,minLat,maxLon,maxLat (the order of the bbox query parameter). */
public record BoundingBox(double minLon, double minLat, double maxLon, double maxLat) {
    public BoundingBox {
        if (!(minLon >= -180 && maxLon <= 180 && minLat >= -90 && maxLat <= 90)) {
            throw new DomainException("bbox", "longitudes must be within -180..180 and latitudes within -90..90");
        }
        if (!(minLon <= maxLon && minLat <= maxLat)) {
            throw new DomainException("bbox", "minimums must not exceed maximums (minLon,minLat,maxLon,maxLat)");
        }
    }

    public boolean contains(GeoPoint p) {
        return p.longitude() >= minLon && p.longitude() <= maxLon
                && p.latitude() >= minLat && p.latitude() <= maxLat;
    }
}
