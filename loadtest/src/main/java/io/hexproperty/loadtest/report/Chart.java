package io.hexproperty.loadtest.report;

import java.util.List;

/**
 * A line chart as data, drawn by {@link ChartPainter} onto SVG or a PNG image alike, so the
 * HTML report and the images always show the same thing.
 *
 * @param nines x is a percentile drawn on a "number of nines" scale (the latency distribution)
 */
record Chart(String file, String title, String xLabel, String yLabel, List<Line> lines, boolean nines) {

    /** One series; {@code dots} draws markers instead of a line (measured points). */
    record Line(String name, String color, double[] x, double[] y, boolean dots) {
        Line {
            if (x.length != y.length) {
                throw new IllegalArgumentException("line " + name + " has " + x.length + " x and " + y.length + " y values");
            }
        }

        static Line of(String name, String color, double[] x, double[] y) {
            return new Line(name, color, x, y, false);
        }
    }

    /** Position on the nines axis of a percentile: 90 -> 1, 99 -> 2, 99.9 -> 3. */
    static double nines(double percentile) {
        return -Math.log10(Math.max(1e-7, 1 - percentile / 100));
    }
}
