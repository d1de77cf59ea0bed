package io.hexproperty.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection-level meters of the HTTP servers: open connections, connection lifetime and body bytes. Per-request figures are HexProperty's own (by route template), so nothing is done per request
 * here; Vert.x Micrometer's HTTP server domain stays off. One instance is shared by every server.
 */
final class ServerConnections implements HttpServerMetrics<Object, Object, Long> {
    private final AtomicLong open = new AtomicLong();
    private final Counter opened;
    private final Counter received;
    private final Counter sent;
    private final Timer lifetime;

    ServerConnections(MeterRegistry registry) {
        Gauge.builder("http.server.active", open, AtomicLong::get).baseUnit("connections")
                .description("Open HTTP server connections").register(registry);
        opened = Counter.builder("http.server.connections.opened")
                .description("HTTP server connections accepted").register(registry);
        received = Counter.builder("http.server.body").tag("direction", "received").baseUnit("bytes")
                .description("HTTP message body bytes received in requests and sent in responses").register(registry);
        sent = Counter.builder("http.server.body").tag("direction", "sent").baseUnit("bytes")
                .description("HTTP message body bytes received in requests and sent in responses").register(registry);
        lifetime = Timer.builder("http.server.connection.duration")
                .description("Lifetime of an HTTP server connection, accept to close").register(registry);
    }

    @Override
    public Long connected(SocketAddress remoteAddress, String remoteName) {
        open.incrementAndGet();
        opened.increment();
        return System.nanoTime();
    }

    @Override
    public void disconnected(Long since, SocketAddress remoteAddress) {
        open.decrementAndGet();
        if (since != null) {
            lifetime.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
        }
    }

    // Vert.x reports HTTP/1.x bytes per message (bodies), not per socket read, so they are taken here.
    @Override
    public Object requestBegin(Long since, HttpRequest request) {
        return Boolean.TRUE;
    }

    @Override
    public void requestEnd(Object request, HttpRequest req, long bytesRead) {
        received.increment(bytesRead);
    }

    @Override
    public void responseEnd(Object request, HttpResponse response, long bytesWritten) {
        sent.increment(bytesWritten);
    }
}
