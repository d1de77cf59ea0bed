package io.hexproperty.loadtest.engine;

import io.hexproperty.loadtest.analysis.Tally;
import io.hexproperty.loadtest.workload.RequestKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The recording side, written from the scheduler thread and event loops without locks:
 * HdrHistogram {@link Recorder}s (wait-free record, phase-flipped interval reads) and adders.
 * {@link #drain(Tally)} is called by the reporter once per second; everything here is a fixed
 * number of histograms, so memory does not grow with the length of the run.
 */
public final class Meters {

    /** Totals for one request kind over the whole run. */
    public static final class KindTotals {
        public final Histogram latency = Tally.newHistogram();
        public long completed;
        public long errors;
    }

    private final Recorder latency = recorder();
    private final Recorder service = recorder();
    private final Recorder lateness = recorder();
    private final Map<RequestKind, Recorder> kindLatency = new EnumMap<>(RequestKind.class);
    private final Map<RequestKind, LongAdder> kindErrors = new EnumMap<>(RequestKind.class);
    private final Map<RequestKind, KindTotals> kindTotals = new EnumMap<>(RequestKind.class);
    final LongAdder sent = new LongAdder();
    final LongAdder late = new LongAdder();
    final LongAdder dropped = new LongAdder();
    public final LongAdder completed = new LongAdder();
    public final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder connectionErrors = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder inFlightSum = new LongAdder();
    final LongAdder inFlightSamples = new LongAdder();
    private final AtomicLongArray statusCounts = new AtomicLongArray(600);
    private volatile String lastError;

    private Histogram latencyInterval;
    private Histogram serviceInterval;
    private Histogram latenessInterval;
    private final Map<RequestKind, Histogram> kindInterval = new EnumMap<>(RequestKind.class);
    private long[] last = new long[8];

    Meters() {
        for (RequestKind k : RequestKind.values()) {
            kindLatency.put(k, recorder());
            kindErrors.put(k, new LongAdder());
            kindTotals.put(k, new KindTotals());
        }
    }

    private static Recorder recorder() {
        return new Recorder(Tally.HIGHEST_MICROS, Tally.DIGITS);
    }

    static long micros(long nanos) {
        return Math.min(Tally.HIGHEST_MICROS, Math.max(0, nanos / 1_000));
    }

    void started(long latenessNanos, boolean isLate) {
        sent.increment();
        lateness.recordValue(micros(latenessNanos));
        if (isLate) {
            late.increment();
        }
    }

    void completed(RequestKind kind, long latencyNanos, long serviceNanos, int status) {
        long us = micros(latencyNanos);
        latency.recordValue(us);
        kindLatency.get(kind).recordValue(us);
        if (serviceNanos >= 0) {
            service.recordValue(micros(serviceNanos));
        }
        completed.increment();
        if (status >= 0 && status < 600) {
            statusCounts.incrementAndGet(status);
        }
        if (status < 0 || status >= 400) {
            errors.increment();
            kindErrors.get(kind).increment();
        }
    }

    void failed(RequestKind kind, long latencyNanos, long serviceNanos, Throwable cause) {
        String text = String.valueOf(cause);
        // Vert.x signals connect and idle timeouts with subclasses of TimeoutException.
        if (cause instanceof java.util.concurrent.TimeoutException) {
            timeouts.increment();
        } else {
            connectionErrors.increment();
        }
        lastError = text;
        completed(kind, latencyNanos, serviceNanos, -1);
    }

    void inFlightSample(int inFlight) {
        inFlightSum.add(inFlight);
        inFlightSamples.increment();
    }

    /** Moves everything recorded since the last call into {@code into} (which is reset first). */
    Tally drain(Tally into) {
        into.reset();
        latencyInterval = latency.getIntervalHistogram(latencyInterval);
        serviceInterval = service.getIntervalHistogram(serviceInterval);
        latenessInterval = lateness.getIntervalHistogram(latenessInterval);
        into.latency.add(latencyInterval);
        into.service.add(serviceInterval);
        into.lateness.add(latenessInterval);
        long[] now = {sent.sum(), late.sum(), dropped.sum(), completed.sum(), errors.sum(),
                inFlightSum.sum(), inFlightSamples.sum(), 0};
        into.sent = now[0] - last[0];
        into.late = now[1] - last[1];
        into.dropped = now[2] - last[2];
        into.completed = now[3] - last[3];
        into.errors = now[4] - last[4];
        into.inFlightSum = now[5] - last[5];
        into.inFlightSamples = now[6] - last[6];
        last = now;
        for (RequestKind k : RequestKind.values()) {
            Histogram h = kindLatency.get(k).getIntervalHistogram(kindInterval.get(k));
            kindInterval.put(k, h);
            KindTotals t = kindTotals.get(k);
            t.latency.add(h);
            t.completed += h.getTotalCount();
            t.errors = kindErrors.get(k).sum();
        }
        return into;
    }

    Map<RequestKind, KindTotals> kindTotals() {
        return kindTotals;
    }

    /** Status code -> count, codes that occurred only. */
    Map<Integer, Long> statusCounts() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        for (int i = 0; i < statusCounts.length(); i++) {
            long c = statusCounts.get(i);
            if (c > 0) {
                out.put(i, c);
            }
        }
        return out;
    }

    String lastError() {
        return lastError;
    }
}
