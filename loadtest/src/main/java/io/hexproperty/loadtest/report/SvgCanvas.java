package io.hexproperty.loadtest.report;

import java.util.Locale;

/** Inline SVG, no scripts or external references, so the report is one self-contained file. */
final class SvgCanvas implements Canvas {

    private final StringBuilder sb = new StringBuilder();
    private final int width;
    private final int height;

    SvgCanvas(int width, int height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String color, double w, boolean dashed) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>%n",
                x1, y1, x2, y2, color, w, dashed ? " stroke-dasharray=\"3,3\"" : ""));
    }

    @Override
    public void polyline(double[] xs, double[] ys, int n, String color, double w) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"")
                .append(String.format(Locale.ROOT, "%.1f", w)).append("\" stroke-linejoin=\"round\" points=\"");
        for (int i = 0; i < n; i++) {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
        }
        sb.append("\"/>\n");
    }

    @Override
    public void dot(double x, double y, double r, String color) {
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, r, color));
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", x, y, w, h, fill));
    }

    @Override
    public void text(double x, double y, String text, int size, Anchor anchor, String color, boolean bold) {
        String a = switch (anchor) {
            case START -> "start";
            case MIDDLE -> "middle";
            case END -> "end";
        };
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\"%s>%s</text>%n",
                x, y, size, a, color, bold ? " font-weight=\"bold\"" : "", escape(text)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    String svg() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"sans-serif\">\n" + sb + "</svg>\n";
    }
}
