package io.hexproperty.loadtest.analysis;

/**
 * Gunther's Universal Scalability Law: X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)).
 * sigma is contention (serialised work), kappa coherence (crosstalk), lambda the throughput of
 * one unit of concurrency without either.
 */
public record UslModel(double sigma, double kappa, double lambda) {

    public UslModel {
        if (!(sigma >= 0) || !(kappa >= 0) || !(lambda > 0)) {
            throw new IllegalArgumentException("USL needs sigma >= 0, kappa >= 0, lambda > 0; got sigma=" + sigma
                    + " kappa=" + kappa + " lambda=" + lambda);
        }
    }

    public double throughput(double n) {
        return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    }

    /** Concurrency of peak throughput, sqrt((1 - sigma) / kappa); infinite when kappa is 0. */
    public double peakConcurrency() {
        if (kappa == 0 || sigma >= 1) {
            return sigma >= 1 ? 1 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt((1 - sigma) / kappa);
    }

    /** Throughput at the peak; lambda / sigma as N grows when kappa is 0. */
    public double peakThroughput() {
        double n = peakConcurrency();
        if (Double.isInfinite(n)) {
            return sigma == 0 ? Double.POSITIVE_INFINITY : lambda / sigma;
        }
        return throughput(n);
    }
}
