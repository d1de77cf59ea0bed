package io.hexproperty.loadtest.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The bar chart of {@code bench/cluster-hit-ratio.sh}: per balancing algorithm, the cluster-wide L1 hit ratio
 * of listing details and of search pages, side by side, each bar labelled with its value.
 *
 * <pre>
 * java -cp app/target/hexproperty-app.jar:app/target/lib/* io.hexproperty.loadtest.report.HitRatioChart \
 *     results.tsv --png hit-ratio.png [--title "..."]
 * </pre>
 * The TSV has a header line, then {@code algorithm listingHitRatio searchHitRatio} (ratios in 0..1; more
 * columns are ignored).
 */
public final class HitRatioChart {
    private static final String INK = "#222222";
    private static final String GRID = "#dddddd";
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e"};
    private static final String[] SERIES = {"listing details (L1)", "search pages (L1)"};

    /** One algorithm's two hit ratios (NaN: no request of that kind). */
    record Row(String algorithm, double listing, double search) {}

    private HitRatioChart() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || !args[1].equals("--png")) {
            System.err.println("usage: HitRatioChart <results.tsv> --png <out.png> [--title TEXT]");
            System.exit(2);
        }
        String title = args.length >= 5 && args[3].equals("--title") ? args[4] : "Cluster-wide L1 hit ratio by balancing algorithm";
        write(read(Path.of(args[0])), title, Path.of(args[2]));
    }

    static List<Row> read(Path tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(tsv);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 3) {
                throw new IllegalArgumentException(tsv + ": need algorithm, listing and search hit ratio in '" + line + "'");
            }
            rows.add(new Row(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2])));
        }
        return rows;
    }

    static void write(List<Row> rows, String title, Path png) throws IOException {
        int width = ChartPainter.WIDTH;
        int height = ChartPainter.HEIGHT + 40;
        ImageCanvas c = new ImageCanvas(width, height);
        paint(rows, title, c, width, height);
        BufferedImage image = c.image();
        ImageIO.write(image, "png", png.toFile());
    }

    static void paint(List<Row> rows, String title, Canvas c, int width, int height) {
        double left = 60;
        double right = 20;
        double top = 60;
        double bottom = 50;
        double w = width - left - right;
        double h = height - top - bottom;
        c.rect(0, 0, width, height, "#ffffff");
        c.text(width / 2.0, 24, title, 15, Canvas.Anchor.MIDDLE, INK, true);
        for (int s = 0; s < SERIES.length; s++) {
            double x = left + s * 220;
            c.rect(x, 36, 12, 12, COLORS[s]);
            c.text(x + 18, 46, SERIES[s], 12, Canvas.Anchor.START, INK, false);
        }
        for (int p = 0; p <= 10; p += 2) {
            double y = top + h - h * p / 10.0;
            c.line(left, y, left + w, y, GRID, 1, false);
            c.text(left - 6, y + 4, p * 10 + "%", 11, Canvas.Anchor.END, INK, false);
        }
        c.line(left, top + h, left + w, top + h, INK, 1, false);
        double group = w / Math.max(1, rows.size());
        double bar = Math.min(60, group * 0.35);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            double centre = left + group * (i + 0.5);
            double[] values = {r.listing(), r.search()};
            for (int s = 0; s < values.length; s++) {
                double x = centre - bar + s * bar;
                if (Double.isNaN(values[s])) {
                    c.text(x + bar / 2, top + h - 4, "n/a", 10, Canvas.Anchor.MIDDLE, INK, false);
                    continue;
                }
                double bh = h * Math.max(0, Math.min(1, values[s]));
                c.rect(x + 2, top + h - bh, bar - 4, bh, COLORS[s]);
                c.text(x + bar / 2, top + h - bh - 4, String.format(Locale.ROOT, "%.1f%%", 100 * values[s]), 11,
                        Canvas.Anchor.MIDDLE, INK, false);
            }
            c.text(centre, top + h + 18, r.algorithm(), 12, Canvas.Anchor.MIDDLE, INK, true);
        }
    }
}
