package io.hexproperty.loadtest.report;

import java.util.Locale;

/** Lays out axes, grid, legend and lines of a {@link Chart} on any {@link Canvas}. */
public final class ChartPainter {

    public static final int WIDTH = 960;
    public static final int HEIGHT = 380;
    private static final double LEFT = 72;
    private static final double RIGHT = 24;
    private static final double TOP = 44;
    private static final double BOTTOM = 52;
    private static final String INK = "#222222";
    private static final String GRID = "#dddddd";

    private ChartPainter() {}

    static void paint(Chart chart, Canvas c) {
        double w = WIDTH - LEFT - RIGHT;
        double h = HEIGHT - TOP - BOTTOM;
        c.rect(0, 0, WIDTH, HEIGHT, "#ffffff");
        c.text(LEFT, 20, chart.title(), 16, Canvas.Anchor.START, INK, true);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymax = 0;
        for (Chart.Line l : chart.lines()) {
            for (int i = 0; i < l.x().length; i++) {
                if (Double.isFinite(l.x()[i]) && Double.isFinite(l.y()[i])) {
                    xmin = Math.min(xmin, l.x()[i]);
                    xmax = Math.max(xmax, l.x()[i]);
                    ymax = Math.max(ymax, l.y()[i]);
                }
            }
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
        }
        if (chart.nines()) {
            xmin = 0;
            xmax = Math.max(2, Math.ceil(xmax));
        }
        if (xmax <= xmin) {
            xmax = xmin + 1;
        }
        double ystep = nice(Math.max(ymax, 1e-9) / 5);
        double ytop = ymax <= 0 ? 1 : Math.ceil(ymax * 1.05 / ystep) * ystep;
        if (ymax <= 0) {
            ystep = 0.2;
        }
        final double x0 = xmin;
        final double xr = xmax - xmin;
        final double yt = ytop;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - x0) / xr * w;
        java.util.function.DoubleUnaryOperator py = y -> TOP + h - Math.min(y, yt) / yt * h;

        for (double y = 0; y <= ytop + ystep / 2; y += ystep) {
            double yy = py.applyAsDouble(y);
            c.line(LEFT, yy, LEFT + w, yy, GRID, 1, y > 0);
            c.text(LEFT - 6, yy + 4, number(y), 11, Canvas.Anchor.END, INK, false);
        }
        if (chart.nines()) {
            for (int k = 0; k <= (int) xmax; k++) {
                double xx = px.applyAsDouble(k);
                c.line(xx, TOP, xx, TOP + h, GRID, 1, true);
                c.text(xx, TOP + h + 16, ninesLabel(k), 11, Canvas.Anchor.MIDDLE, INK, false);
            }
        } else {
            double xstep = nice(xr / 8);
            for (double x = Math.ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep) {
                double xx = px.applyAsDouble(x);
                c.line(xx, TOP, xx, TOP + h, GRID, 1, true);
                c.text(xx, TOP + h + 16, number(x), 11, Canvas.Anchor.MIDDLE, INK, false);
            }
        }
        c.line(LEFT, TOP + h, LEFT + w, TOP + h, INK, 1, false);
        c.line(LEFT, TOP, LEFT, TOP + h, INK, 1, false);
        c.text(LEFT + w / 2, HEIGHT - 12, chart.xLabel(), 12, Canvas.Anchor.MIDDLE, INK, false);
        c.text(8, TOP - 8, chart.yLabel(), 12, Canvas.Anchor.START, INK, false);

        for (Chart.Line l : chart.lines()) {
            int n = l.x().length;
            double[] xs = new double[n];
            double[] ys = new double[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (Double.isFinite(l.x()[i]) && Double.isFinite(l.y()[i])) {
                    xs[m] = px.applyAsDouble(l.x()[i]);
                    ys[m] = py.applyAsDouble(l.y()[i]);
                    m++;
                }
            }
            if (l.dots()) {
                for (int i = 0; i < m; i++) {
                    c.dot(xs[i], ys[i], 3.5, l.color());
                }
            } else {
                c.polyline(xs, ys, m, l.color(), 1.8);
            }
        }
        double lx = LEFT + w;
        for (int i = chart.lines().size() - 1; i >= 0; i--) {
            Chart.Line l = chart.lines().get(i);
            double tw = 7.2 * l.name().length() + 34;
            lx -= tw;
            c.rect(lx, 10, 12, 12, l.color());
            c.text(lx + 16, 20, l.name(), 12, Canvas.Anchor.START, INK, false);
        }
    }

    static String ninesLabel(int k) {
        if (k == 0) {
            return "0%";
        }
        StringBuilder s = new StringBuilder("9");
        if (k >= 2) {
            s.append("9");
            if (k > 2) {
                s.append(".").append("9".repeat(k - 2));
            }
        } else {
            s.append("0");
        }
        return s.append("%").toString();
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
    static double nice(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return m * p;
    }

    static String number(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (a == Math.rint(a)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
