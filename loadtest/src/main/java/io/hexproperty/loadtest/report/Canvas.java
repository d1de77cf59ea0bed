package io.hexproperty.loadtest.report;

/** The few drawing primitives a chart needs; SVG text and a Java2D image implement them. */
interface Canvas {

    enum Anchor { START, MIDDLE, END }

    void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed);

    void polyline(double[] xs, double[] ys, int n, String color, double width);

    void dot(double x, double y, double r, String color);

    void rect(double x, double y, double w, double h, String fill);

    void text(double x, double y, String text, int size, Anchor anchor, String color, boolean bold);
}
