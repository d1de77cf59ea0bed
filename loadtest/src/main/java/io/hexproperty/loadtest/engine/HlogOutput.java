package io.hexproperty.loadtest.engine;

import io.hexproperty.loadtest.analysis.Tally;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The raw data of a run: one interval histogram per second in HdrHistogram's log format, values
 * in microseconds. Untagged lines are latency from the intended start (what the standard
 * HistogramLogProcessor reads by default); tag "service" is service time, tag "lateness" how
 * late the generator issued each request.
 */
final class HlogOutput implements AutoCloseable {

    static final String SERVICE = "service";
    static final String LATENESS = "lateness";

    private final PrintStream stream;
    private final HistogramLogWriter writer;

    HlogOutput(Path path, Instant start) {
        try {
            stream = new PrintStream(new FileOutputStream(path.toFile()), false, "UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write histogram log " + path.toAbsolutePath(), e);
        }
        writer = new HistogramLogWriter(stream);
        long ms = start.toEpochMilli();
        writer.outputComment("HexProperty loadtest: values in microseconds; untagged = latency from intended start,"
                + " service = service time, lateness = start lateness");
        writer.outputLogFormatVersion();
        writer.outputStartTime(ms);
        writer.setBaseTime(ms);
        writer.outputBaseTime(ms);
        writer.outputLegend();
    }

    void write(Tally interval, double start, double end) {
        put(interval.latency, null, start, end);
        put(interval.service, SERVICE, start, end);
        put(interval.lateness, LATENESS, start, end);
    }

    private void put(Histogram h, String tag, double start, double end) {
        h.setTag(tag);
        // Offsets from the declared BaseTime, as HistogramLogReader expects.
        writer.outputIntervalHistogram(start, end, h, 1.0);
        h.setTag(null);
    }

    @Override
    public void close() {
        stream.flush();
        stream.close();
    }
}
