package io.hexproperty.seed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Nearest ZIP Code Tabulation Area centroid for a coordinate, which gives each generated listing a
 * real PostalCode for where it lies.
 *
 * <p>A uniform grid of {@value #CELL_DEGREES} degree cells stored as compressed rows (cell start
 * offsets into one array of centroid indexes), searched in growing square rings around the query
 * cell. A ring {@code r} away holds no point closer than {@code (r - 1)} cell widths, so the search
 * stops once the best distance found is below that; with ~34k centroids a lookup touches a few
 * dozen points instead of all of them. Distances are equirectangular, exact enough at the
 * few-kilometre scale the generator works on.
 */
final class ZctaIndex {
    static final String RESOURCE = "/data/us-zcta.csv.gz";
    static final double CELL_DEGREES = 0.1;

    private static final double MIN_LAT = 17;
    private static final double MAX_LAT = 72;
    private static final double MIN_LON = -180;
    private static final double MAX_LON = -64;
    private static final int ROWS = (int) Math.ceil((MAX_LAT - MIN_LAT) / CELL_DEGREES);
    private static final int COLS = (int) Math.ceil((MAX_LON - MIN_LON) / CELL_DEGREES);
    private static final int MAX_RING = Math.max(ROWS, COLS);

    private final String[] zips;
    private final double[] lats;
    private final double[] lons;
    private final int[] cellStart;
    private final int[] cellPoints;

    private ZctaIndex(String[] zips, double[] lats, double[] lons) {
        this.zips = zips;
        this.lats = lats;
        this.lons = lons;
        int n = zips.length;
        int[] cellOf = new int[n];
        int[] counts = new int[ROWS * COLS + 1];
        for (int i = 0; i < n; i++) {
            cellOf[i] = cell(row(lats[i]), col(lons[i]));
            counts[cellOf[i] + 1]++;
        }
        for (int c = 0; c < ROWS * COLS; c++) {
            counts[c + 1] += counts[c];
        }
        this.cellStart = counts.clone();
        this.cellPoints = new int[n];
        int[] fill = Arrays.copyOf(counts, counts.length);
        for (int i = 0; i < n; i++) {
            cellPoints[fill[cellOf[i]]++] = i;
        }
    }

    static ZctaIndex load() {
        try (InputStream raw = ZctaIndex.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("reference data " + RESOURCE + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.US_ASCII));
            String header = reader.readLine();
            if (!"zip,latitude,longitude".equals(header)) {
                throw new IllegalStateException("unexpected header in " + RESOURCE + ": " + header);
            }
            int capacity = 34_000;
            String[] zips = new String[capacity];
            double[] lats = new double[capacity];
            double[] lons = new double[capacity];
            int n = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                String[] f = line.split(",");
                if (f.length != 3 || !f[0].matches("[0-9]{5}")) {
                    throw new IllegalStateException(RESOURCE + " has a malformed line: " + line);
                }
                double lat = Double.parseDouble(f[1]);
                double lon = Double.parseDouble(f[2]);
                if (lat < MIN_LAT || lat >= MAX_LAT || lon < MIN_LON || lon >= MAX_LON) {
                    // Centroids outside the grid (Pacific territories) can never be nearest to a place in the 50 states.
                    continue;
                }
                if (n == capacity) {
                    capacity *= 2;
                    zips = Arrays.copyOf(zips, capacity);
                    lats = Arrays.copyOf(lats, capacity);
                    lons = Arrays.copyOf(lons, capacity);
                }
                zips[n] = f[0];
                lats[n] = lat;
                lons[n] = lon;
                n++;
            }
            return new ZctaIndex(Arrays.copyOf(zips, n), Arrays.copyOf(lats, n), Arrays.copyOf(lons, n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    int size() {
        return zips.length;
    }

    /** The ZIP code whose centroid is nearest to the point. */
    String nearestZip(double lat, double lon) {
        return zips[nearest(lat, lon)];
    }

    /** Distance in kilometres from the point to the nearest ZCTA centroid. */
    double nearestDistanceKm(double lat, double lon) {
        return distanceKm(nearest(lat, lon), lat, lon);
    }

    /** Distance in kilometres from the point to centroid {@code i}, in the metric {@link #nearest} uses. */
    double distanceKm(int i, double lat, double lon) {
        double kmPerLonDegree = 111.2 * Math.cos(Math.toRadians(lat));
        double x = (lons[i] - lon) * kmPerLonDegree;
        double y = (lats[i] - lat) * 111.2;
        return Math.sqrt(x * x + y * y);
    }

    String zip(int i) {
        return zips[i];
    }

    int nearest(double lat, double lon) {
        int row = row(lat);
        int col = col(lon);
        // One cosine per query, not per candidate: across a few cells the latitude barely changes.
        double kmPerLonDegree = 111.2 * Math.cos(Math.toRadians(lat));
        int best = -1;
        double bestSq = Double.MAX_VALUE;
        for (int ring = 0; ring <= MAX_RING; ring++) {
            // Ring r is at least r - 1 whole cells away; a cell's narrow side is its east-west width
            // at the highest latitude the ring reaches.
            double highLat = Math.min(89, Math.abs(lat) + (ring + 1) * CELL_DEGREES);
            double reach = (ring - 1) * CELL_DEGREES * 111.2 * Math.cos(Math.toRadians(highLat));
            if (best >= 0 && reach > 0 && bestSq <= reach * reach) {
                break;
            }
            for (int r = row - ring; r <= row + ring; r++) {
                if (r < 0 || r >= ROWS) {
                    continue;
                }
                boolean edgeRow = r == row - ring || r == row + ring;
                int step = edgeRow ? 1 : Math.max(1, 2 * ring);
                for (int c = col - ring; c <= col + ring; c += step) {
                    if (c < 0 || c >= COLS) {
                        continue;
                    }
                    int cell = cell(r, c);
                    for (int k = cellStart[cell]; k < cellStart[cell + 1]; k++) {
                        int p = cellPoints[k];
                        double x = (lons[p] - lon) * kmPerLonDegree;
                        double y = (lats[p] - lat) * 111.2;
                        double d = x * x + y * y;
                        if (d < bestSq) {
                            bestSq = d;
                            best = p;
                        }
                    }
                }
            }
        }
        return best;
    }

    private static int row(double lat) {
        return clamp((int) ((lat - MIN_LAT) / CELL_DEGREES), ROWS);
    }

    private static int col(double lon) {
        return clamp((int) ((lon - MIN_LON) / CELL_DEGREES), COLS);
    }

    private static int clamp(int v, int n) {
        return v < 0 ? 0 : Math.min(v, n - 1);
    }

    private static int cell(int row, int col) {
        return row * COLS + col;
    }
}
