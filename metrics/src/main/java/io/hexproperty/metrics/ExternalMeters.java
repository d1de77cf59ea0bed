package io.hexproperty.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.spi.metrics.ClientMetrics;
import java.util.concurrent.TimeUnit;

/** Round-trip time of requests to an external service other than PostgreSQL (Redis, ...), by service. */
final class ExternalMeters implements ClientMetrics<ExternalMeters.Sample, Object, Object> {
    static final String NAME = "external.request.duration";

    record Sample(Object inner, long start) {
    }

    private final ClientMetrics<Object, Object, Object> inner;
    private final Timer success;
    private final Timer failure;

    @SuppressWarnings("unchecked")
    ExternalMeters(ClientMetrics<?, ?, ?> inner, MeterRegistry registry, String service) {
        this.inner = (ClientMetrics<Object, Object, Object>) (inner == null ? new ClientMetrics<>() { } : inner);
        this.success = timer(registry, service, "success");
        this.failure = timer(registry, service, "failure");
    }

    static Timer timer(MeterRegistry registry, String service, String outcome) {
        return Timer.builder(NAME).description("Round trip of a request to an external service, by service and outcome")
                .tag("service", service).tag("outcome", outcome).register(registry);
    }

    @Override
    public Sample requestBegin(String uri, Object request) {
        return new Sample(inner.requestBegin(uri, request), System.nanoTime());
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
        success.record(System.nanoTime() - sample.start(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void responseEnd(Sample sample, long bytesRead) {
        inner.responseEnd(sample.inner(), bytesRead);
        success.record(System.nanoTime() - sample.start(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void requestReset(Sample sample) {
        inner.requestReset(sample.inner());
        failure.record(System.nanoTime() - sample.start(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        inner.close();
    }
}
