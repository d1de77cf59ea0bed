package io.hexproperty.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Counts and histograms over a span of a run (one second, a sliding window, or the whole run).
 * Spans are combined by adding histograms, never by averaging percentiles.
 */
final class Tally {

  /** Microseconds; one hour is the longest latency a run can record. */
  static final long HIGHEST_MICROS = 3_600_000_000L;
  static final int DIGITS = 3;

  final Histogram latency = newHistogram();
  final Histogram service = newHistogram();
  final Histogram lateness = newHistogram();
  long intended;
  long sent;
  long late;
  long dropped;
  long completed;
  long errors;
  double inFlightSum;
  long inFlightSamples;
  double seconds;

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, DIGITS);
  }

  void add(Tally other) {
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

  void reset() {
    latency.reset();
    service.reset();
    lateness.reset();
    intended = sent = late = dropped = completed = errors = inFlightSamples = 0;
    inFlightSum = seconds = 0;
  }

  /** Failed responses plus starts that were dropped, over everything that was due. */
  double errorRate() {
    long attempted = completed + dropped;
    return attempted == 0 ? 0 : (double) (errors + dropped) / attempted;
  }

  double completedRate() {
    return seconds <= 0 ? 0 : completed / seconds;
  }

  double sentRate() {
    return seconds <= 0 ? 0 : sent / seconds;
  }

  double meanInFlight() {
    return inFlightSamples == 0 ? 0 : inFlightSum / inFlightSamples;
  }

  /** Latency percentile in microseconds (0 when nothing completed). */
  double p(double percentile) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
  }
}
