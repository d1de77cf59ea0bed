package io.hexproperty.loadtest.analysis;

import org.HdrHistogram.Histogram;

/**
 * Counts and histograms over a span of a run (one second, a sliding window, or the whole run).
 * Spans are combined by adding histograms, never by averaging percentiles.
 */
public final class Tally {

    /** Microseconds; one hour is the longest latency a run can record. */
    public static final long HIGHEST_MICROS = 3_600_000_000L;
    public static final int DIGITS = 3;

    public final Histogram latency = newHistogram();
    public final Histogram service = newHistogram();
    public final Histogram lateness = newHistogram();
    public long intended;
    public long sent;
    public long late;
    public long dropped;
    public long completed;
    public long errors;
    public double inFlightSum;
    public long inFlightSamples;
    public double seconds;

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_MICROS, DIGITS);
    }

    public void add(Tally other) {
        latency.add(other.latency);
        service.add(other.service);
        lateness.add(other.lateness);
        intended += other.intended;
        sent += other.sent;
        late += other.late;
        dropped += other.dropped;
        completed += other.completed;
        errors += other.errors;
        inFlightSum += other.inFlightSum;
        inFlightSamples += other.inFlightSamples;
        seconds += other.seconds;
    }

    public void reset() {
        latency.reset();
        service.reset();
        lateness.reset();
        intended = sent = late = dropped = completed = errors = inFlightSamples = 0;
        inFlightSum = seconds = 0;
    }

    /** Failed responses plus starts that were dropped, over everything that was due. */
    public double errorRate() {
        long attempted = completed + dropped;
        return attempted == 0 ? 0 : (double) (errors + dropped) / attempted;
    }

    public double completedRate() {
        return seconds <= 0 ? 0 : completed / seconds;
    }

    public double sentRate() {
        return seconds <= 0 ? 0 : sent / seconds;
    }

    public double meanInFlight() {
        return inFlightSamples == 0 ? 0 : inFlightSum / inFlightSamples;
    }

    /** Latency percentile in microseconds (0 when nothing completed). */
    public double p(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
    }
}
