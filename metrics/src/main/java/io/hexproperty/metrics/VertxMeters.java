package io.hexproperty.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;

/**
 * Vert.x Micrometer's metrics, plus what HexProperty needs from the same SPI: SQL statement time by
 * statement name, external-service round trips, pool sizes, HTTP connections and wire bytes, and the
 * event-loop probe. Pass it to {@code Vertx.builder().withMetrics(...)}.
 */
final class VertxMeters implements VertxMetricsFactory {
    private final MicrometerMetricsFactory micrometer;
    private final MeterRegistry registry;
    private volatile EventLoopProbe probe;

    VertxMeters(MeterRegistry registry) {
        this.micrometer = new MicrometerMetricsFactory(registry);
        this.registry = registry;
    }

    @Override
    public MetricsOptions newOptions() {
        return micrometer.newOptions();
    }

    @Override
    public MetricsOptions newOptions(MetricsOptions options) {
        return micrometer.newOptions(options);
    }

    @Override
    public MetricsOptions newOptions(JsonObject json) {
        return micrometer.newOptions(json);
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        return new Wrapped(micrometer.metrics(options));
    }

    void close() {
        EventLoopProbe p = probe;
        if (p != null) {
            p.close();
        }
    }

    private final class Wrapped implements VertxMetrics {
        private final VertxMetrics inner;
        private final StatementNames names = new StatementNames();
        private ServerConnections connections;

        Wrapped(VertxMetrics inner) {
            this.inner = inner;
        }

        @Override
        public void vertxCreated(Vertx vertx) {
            inner.vertxCreated(vertx);
            if (vertx instanceof VertxInternal internal) {
                EventLoopProbe p = new EventLoopProbe(registry, internal.nettyEventLoopGroup());
                probe = p;
                p.start();
            }
        }

        @Override
        public synchronized HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress local) {
            if (connections == null) {
                connections = new ServerConnections(registry);
            }
            return connections;
        }

        @Override
        public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
            ClientMetrics<?, ?, ?> base = inner.createClientMetrics(remote, type, namespace);
            if ("sql".equals(type)) {
                return new StatementMeters(base, registry, names, remote == null ? "unknown" : remote.toString());
            }
            return new ExternalMeters(base, registry, type == null ? "unknown" : type);
        }

        @Override
        public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
            if ("sql".equals(type) && maxSize > 0) {
                Gauge.builder("db.client.connections.max", () -> maxSize).tag("pool_name", name)
                        .description("Maximum connections of a PostgreSQL pool").register(registry);
            }
            return inner.createPoolMetrics(type, name, maxSize);
        }

        @Override
        public EventBusMetrics createEventBusMetrics() {
            return inner.createEventBusMetrics();
        }

        @Override
        public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
            return inner.createHttpClientMetrics(options);
        }

        @Override
        public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress local) {
            return inner.createNetServerMetrics(options, local);
        }

        @Override
        public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
            return inner.createNetClientMetrics(options);
        }

        @Override
        public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
            return inner.createDatagramSocketMetrics(options);
        }

        @Override
        public boolean isMetricsEnabled() {
            return inner.isMetricsEnabled();
        }

        @Override
        public void close() {
            VertxMeters.this.close();
            inner.close();
        }
    }
}
