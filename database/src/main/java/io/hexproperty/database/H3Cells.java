package io.hexproperty.database;

import com.uber.h3core.H3Core;
import io.hexproperty.domain.GeoPoint;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The H3 cells that listings are indexed by: resolution 7 (~5 km²) for map tiles and cache tags, 9 (~0.1 km²) for close zoom. */
final class H3Cells {
    private static final H3Core H3 = load();

    private H3Cells() {}

    static long r7(GeoPoint p) {
        return H3.latLngToCell(p.latitude(), p.longitude(), 7);
    }

    static long r9(GeoPoint p) {
        return H3.latLngToCell(p.latitude(), p.longitude(), 9);
    }

    private static H3Core load() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the H3 native library", e);
        }
    }
}
