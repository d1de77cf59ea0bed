package io.hexproperty.loadtest.analysis;

import java.util.List;

/**
 * Least-squares fit of the USL to measured (concurrency, throughput) points. Given sigma and
 * kappa the model is linear in lambda, so lambda has a closed form; sigma and kappa are found by
 * a coarse grid (kappa on a log scale, since it is often 1e-5..1e-2) refined by Nelder-Mead.
 * No library: the problem has two free parameters and a few dozen points.
 *
 * @param rmse  root mean square error of throughput, per second
 * @param r2    coefficient of determination
 * @param mape  mean absolute percentage error
 */
public record UslFit(UslModel model, double rmse, double r2, double mape, int points) {

    /** One measurement: mean concurrency N and throughput X (per second). */
    public record Point(double concurrency, double throughput) {}

    public static UslFit fit(List<Point> points) {
        List<Point> usable = points.stream()
                .filter(p -> p.concurrency() > 0 && p.throughput() > 0
                        && Double.isFinite(p.concurrency()) && Double.isFinite(p.throughput()))
                .toList();
        if (usable.size() < 3) {
            throw new IllegalArgumentException("USL fit needs at least 3 points with load, got " + usable.size());
        }
        double[] best = {0, 0};
        double bestErr = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 40; i++) {
            double sigma = i / 40.0;
            for (int j = 0; j <= 60; j++) {
                double kappa = j == 0 ? 0 : Math.pow(10, -7 + j * 7.0 / 60);
                double e = sse(usable, sigma, kappa);
                if (e < bestErr) {
                    bestErr = e;
                    best = new double[] {sigma, kappa};
                }
            }
        }
        double[] refined = nelderMead(usable, best);
        double sigma = clamp(refined[0]);
        double kappa = Math.max(0, refined[1]);
        if (sse(usable, sigma, kappa) > bestErr) {
            sigma = best[0];
            kappa = best[1];
        }
        double lambda = lambda(usable, sigma, kappa);
        UslModel model = new UslModel(sigma, kappa, lambda);
        double mean = usable.stream().mapToDouble(Point::throughput).average().orElse(0);
        double ssRes = 0;
        double ssTot = 0;
        double ape = 0;
        for (Point p : usable) {
            double f = model.throughput(p.concurrency());
            ssRes += (p.throughput() - f) * (p.throughput() - f);
            ssTot += (p.throughput() - mean) * (p.throughput() - mean);
            ape += Math.abs(p.throughput() - f) / p.throughput();
        }
        int n = usable.size();
        return new UslFit(model, Math.sqrt(ssRes / n), ssTot == 0 ? 1 : 1 - ssRes / ssTot, ape / n, n);
    }

    private static double clamp(double sigma) {
        return Math.min(1, Math.max(0, sigma));
    }

    private static double lambda(List<Point> pts, double sigma, double kappa) {
        // X = lambda * g(N), g = N / D(N): least squares gives lambda = sum(X g) / sum(g^2).
        double num = 0;
        double den = 0;
        for (Point p : pts) {
            double n = p.concurrency();
            double g = n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
            num += p.throughput() * g;
            den += g * g;
        }
        return den == 0 ? 0 : Math.max(1e-12, num / den);
    }

    private static double sse(List<Point> pts, double sigma, double kappa) {
        if (sigma < 0 || sigma > 1 || kappa < 0) {
            return Double.POSITIVE_INFINITY;
        }
        double lambda = lambda(pts, sigma, kappa);
        double s = 0;
        for (Point p : pts) {
            double n = p.concurrency();
            double f = lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
            s += (p.throughput() - f) * (p.throughput() - f);
        }
        return s;
    }

    private static double[] nelderMead(List<Point> pts, double[] start) {
        double[][] simplex = {
                {start[0], start[1]},
                {start[0] + 0.05, start[1]},
                {start[0], start[1] + Math.max(1e-4, start[1] * 0.5)}
        };
        double[] f = new double[3];
        for (int i = 0; i < 3; i++) {
            f[i] = sse(pts, simplex[i][0], simplex[i][1]);
        }
        for (int iter = 0; iter < 500; iter++) {
            // order: best at 0, worst at 2
            for (int a = 0; a < 2; a++) {
                for (int b = a + 1; b < 3; b++) {
                    if (f[b] < f[a]) {
                        double[] t = simplex[a];
                        simplex[a] = simplex[b];
                        simplex[b] = t;
                        double tf = f[a];
                        f[a] = f[b];
                        f[b] = tf;
                    }
                }
            }
            double[] c = {(simplex[0][0] + simplex[1][0]) / 2, (simplex[0][1] + simplex[1][1]) / 2};
            double[] r = {2 * c[0] - simplex[2][0], 2 * c[1] - simplex[2][1]};
            double fr = sse(pts, r[0], r[1]);
            if (fr < f[0]) {
                double[] e = {3 * c[0] - 2 * simplex[2][0], 3 * c[1] - 2 * simplex[2][1]};
                double fe = sse(pts, e[0], e[1]);
                if (fe < fr) {
                    simplex[2] = e;
                    f[2] = fe;
                } else {
                    simplex[2] = r;
                    f[2] = fr;
                }
            } else if (fr < f[1]) {
                simplex[2] = r;
                f[2] = fr;
            } else {
                double[] k = {(c[0] + simplex[2][0]) / 2, (c[1] + simplex[2][1]) / 2};
                double fk = sse(pts, k[0], k[1]);
                if (fk < f[2]) {
                    simplex[2] = k;
                    f[2] = fk;
                } else {
                    for (int i = 1; i < 3; i++) {
                        simplex[i] = new double[] {(simplex[0][0] + simplex[i][0]) / 2, (simplex[0][1] + simplex[i][1]) / 2};
                        f[i] = sse(pts, simplex[i][0], simplex[i][1]);
                    }
                }
            }
            if (Math.abs(f[2] - f[0]) <= 1e-12 * (1 + Math.abs(f[0]))) {
                break;
            }
        }
        return f[0] <= f[1] && f[0] <= f[2] ? simplex[0] : (f[1] <= f[2] ? simplex[1] : simplex[2]);
    }
}
