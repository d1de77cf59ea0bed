package io.hexproperty.geo;

import com.uber.h3core.H3Core;
import io.hexproperty.domain.GeoPoint;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The H3 cells listings are indexed by: resolution 7 (~5 km²) for map tiles and cache tags, 9
 * (~0.1 km²) for close zoom. Holds the process's one {@link H3Core}: creating one loads a native
 * library, and an instance is thread-safe, so the store, the HTTP adapter, the generator and the
 * test kit all share this one (a module of its own because {@code domain} stays free of libraries).
 */
public final class H3Cells {
    /** Map tiles, search by cell and cache tags. */
    public static final int MAP_RESOLUTION = 7;
    /** Close zoom. */
    public static final int DETAIL_RESOLUTION = 9;

    private static final H3Core CORE = load();

    private H3Cells() {}

    /** The shared instance, for what the two resolutions do not cover (parsing, validating, rings). */
    public static H3Core core() {
        return CORE;
    }

    public static long r7(double latitude, double longitude) {
        return CORE.latLngToCell(latitude, longitude, MAP_RESOLUTION);
    }

    public static long r9(double latitude, double longitude) {
        return CORE.latLngToCell(latitude, longitude, DETAIL_RESOLUTION);
    }

    public static long r7(GeoPoint p) {
        return r7(p.latitude(), p.longitude());
    }

    public static long r9(GeoPoint p) {
        return r9(p.latitude(), p.longitude());
    }

    private static H3Core load() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the H3 native library", e);
        }
    }
}
