package io.hexproperty.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.spi.metrics.ClientMetrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Time of each SQL statement, by statement name, outcome and server, taken where the Vert.x SQL client
 * reports a query (its metrics SPI hands over the SQL text). Wraps the client metrics Vert.x Micrometer
 * already keeps, so those go on unchanged.
 */
final class StatementMeters implements ClientMetrics<StatementMeters.Sample, Object, Object> {
    static final String NAME = "db.statement.duration";

    record Sample(Object inner, String statement, long start) {
    }

    private final ClientMetrics<Object, Object, Object> inner;
    private final MeterRegistry registry;
    private final StatementNames names;
    private final String server;
    // statement name -> {success, failure}: no allocation per query once a statement has been seen
    private final ConcurrentMap<String, Timer[]> timers = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    StatementMeters(ClientMetrics<?, ?, ?> inner, MeterRegistry registry, StatementNames names, String server) {
        this.inner = (ClientMetrics<Object, Object, Object>) (inner == null ? new ClientMetrics<>() { } : inner);
        this.registry = registry;
        this.names = names;
        this.server = server;
    }

    @Override
    public Sample requestBegin(String uri, Object request) {
        return new Sample(inner.requestBegin(uri, request), names.of(uri), System.nanoTime());
    }

    @Override
    public void requestEnd(Sample sample) {
        inner.requestEnd(sample.inner());
    }

    @Override
    public void requestEnd(Sample sample, long bytesWritten) {
        inner.requestEnd(sample.inner(), bytesWritten);
    }

    @Override
    public void responseBegin(Sample sample, Object response) {
        inner.responseBegin(sample.inner(), response);
    }

    @Override
    public void responseEnd(Sample sample) {
        inner.responseEnd(sample.inner());
        record(sample, "success");
    }

    @Override
    public void responseEnd(Sample sample, long bytesRead) {
        inner.responseEnd(sample.inner(), bytesRead);
        record(sample, "success");
    }

    @Override
    public void requestReset(Sample sample) {
        inner.requestReset(sample.inner());
        record(sample, "failure");
    }

    @Override
    public void close() {
        inner.close();
    }

    private void record(Sample sample, String outcome) {
        Timer[] pair = timers.get(sample.statement());
        if (pair == null) {
            pair = timers.computeIfAbsent(sample.statement(), name -> new Timer[2]);
        }
        int i = "success".equals(outcome) ? 0 : 1;
        Timer timer = pair[i];
        if (timer == null) {
            // registered on first use, so a statement that never fails has no failure series
            timer = timer(sample.statement(), outcome);
            pair[i] = timer;
        }
        timer.record(System.nanoTime() - sample.start(), TimeUnit.NANOSECONDS);
    }

    private Timer timer(String statement, String outcome) {
        return Timer.builder(NAME)
                .description("Time of a SQL statement from send to last row, by statement name (operation and table)")
                .tag("statement", statement).tag("outcome", outcome).tag("server", server)
                .register(registry);
    }
}
