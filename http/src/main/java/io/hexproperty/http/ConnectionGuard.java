package io.hexproperty.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slowloris and connection-flood protection for the public port, shared by every HTTP server instance
 * (one per event loop) of a node.
 *
 * <p>Design. Vert.x has no deadline for completing a request header: its idle timeout restarts on every
 * byte, so a client that sends one header byte every few seconds holds a connection forever, and a few
 * thousand of them hold the server. Here every connection is registered when it opens, and one sweeper
 * (a periodic timer, every quarter of {@code headerTimeout}) looks at all of them: a connection that has
 * not delivered a complete request (Vert.x calls the request handler once the header is parsed) within
 * {@code headerTimeout} of opening is closed. After that, each connection is looked at again every
 * {@code KEEP_ALIVE_PERIODS x headerTimeout} and closed when a whole such period passed with no new request
 * and no response in progress; so on keep-alive the next header must be complete within about 6-12 timeouts,
 * and an idle keep-alive connection is closed after 6-12 timeouts (60-120 s at the default): longer than
 * clients keep idle connections, so that a client never races the close with a request. The request path pays one
 * volatile increment and one field store, no timer operation. HTTP/2 connections (many streams, PING
 * frames) are left to Vert.x's idle timeout after their first request.
 *
 * <p>The server must have h2c (cleartext HTTP/2) off: with it on, Vert.x 5.0 holds a new connection in
 * its protocol-detection handler, without calling the connection handler, until it can tell HTTP/1.1
 * from the HTTP/2 preface, and an incomplete request header never lets it tell: that detection buffer
 * would be a slowloris hole of its own (found by {@code ConnectionGuardTest}).
 *
 * <p>Caps: connections beyond {@code maxConnections} in total or {@code maxConnectionsPerClient} from one
 * remote address are closed as soon as they are accepted (the kernel has already completed the TCP
 * handshake, so "refused" means closed before any byte is read). The counts are updated atomically, so
 * concurrent accepts on several event loops never exceed a cap.
 */
public final class ConnectionGuard {

    /**
     * @param headerTimeout           how long a connection may take to deliver a complete request header
     * @param maxConnections          open connections on the public port, all clients together
     * @param maxConnectionsPerClient open connections from one remote IP address
     */
    public record Config(Duration headerTimeout, int maxConnections, int maxConnectionsPerClient) {
        public Config {
            Objects.requireNonNull(headerTimeout, "headerTimeout");
            if (headerTimeout.toMillis() < 100 || headerTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("--header-timeout must be between 100ms and 10m, was " + headerTimeout);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("--max-connections must be >= 1, was " + maxConnections);
            }
            if (maxConnectionsPerClient < 1 || maxConnectionsPerClient > maxConnections) {
                throw new IllegalArgumentException("--max-connections-per-client must be between 1 and --max-connections ("
                        + maxConnections + "), was " + maxConnectionsPerClient);
            }
        }

        /**
         * 10 s for a header; 10,000 connections; 1,024 per client address: above what the cluster gateway
         * (128 per worker per gateway instance) or a 64-connection load test opens from one address, far below
         * what it takes to exhaust a node.
         */
        public static Config defaults() {
            return new Config(Duration.ofSeconds(10), 10_000, 1_024);
        }
    }

    private final Vertx vertx;
    private final Config config;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final ConcurrentMap<HttpConnection, Tracked> tracked = new ConcurrentHashMap<>();
    private final Counter refusedTotal;
    private final Counter refusedPerClient;
    private final Counter headerTimeouts;
    /** Connections by the protocol of their first request, indexed by HttpVersion ordinal. */
    private final Counter[] byProtocol;

    public ConnectionGuard(Vertx vertx, Config config, MeterRegistry registry) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        this.refusedTotal = Counter.builder("http.server.connections.refused").tag("reason", "max_connections")
                .description("connections closed on accept because a cap was reached").register(registry);
        this.refusedPerClient = Counter.builder("http.server.connections.refused").tag("reason", "max_per_client")
                .description("connections closed on accept because a cap was reached").register(registry);
        this.headerTimeouts = Counter.builder("http.server.connections.header.timeouts")
                .description("connections closed for not delivering a complete request header in time").register(registry);
        this.byProtocol = HttpMetrics.protocolCounters(registry, "http.server.protocol.connections",
                "Connections on the public port by the protocol of their first request (http/1.0, http/1.1, h2)");
        io.micrometer.core.instrument.Gauge.builder("http.server.connections.open", open, AtomicInteger::get)
                .description("open connections on the public port").register(registry);
        long every = Math.max(25, config.headerTimeout().toMillis() / 4);
        this.sweeper = vertx.setPeriodic(every, id -> sweep());
    }

    private final long sweeper;

    /** Stops the sweeper (the server's connections close with it). */
    public void close() {
        vertx.cancelTimer(sweeper);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Tracked t : tracked.values()) {
            if (!t.exempt && now - t.checkAt >= 0) {
                t.check(now);
            }
        }
    }

    public Config config() {
        return config;
    }

    /** The server's connection handler. */
    public void accept(HttpConnection connection) {
        String client = clientOf(connection);
        int total = open.incrementAndGet();
        int mine = perClient.merge(client, 1, Integer::sum);
        if (total > config.maxConnections() || mine > config.maxConnectionsPerClient()) {
            release(client);
            (total > config.maxConnections() ? refusedTotal : refusedPerClient).increment();
            connection.close();
            return;
        }
        Tracked t = new Tracked(connection, System.nanoTime() + config.headerTimeout().toNanos());
        tracked.put(connection, t);
        connection.closeHandler(ignored -> {
            if (tracked.remove(connection) != null) {
                release(client);
            }
        });
    }

    /** Wraps the server's request handler: marks the connection as having delivered a request. */
    public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
        return request -> {
            Tracked t = tracked.get(request.connection());
            if (t != null) {
                t.requests = t.requests + 1; // only this connection's event loop writes it
                t.last = request;
                if (t.requests == 1 && request.version() != null) {
                    byProtocol[request.version().ordinal()].increment();
                }
                if (request.version() == HttpVersion.HTTP_2) {
                    t.exempt = true;
                }
            }
            next.handle(request);
        };
    }

    /** Open connections now (for tests and the gauge). */
    public int openConnections() {
        return open.get();
    }

    private void release(String client) {
        open.decrementAndGet();
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static String clientOf(HttpConnection connection) {
        var address = connection.remoteAddress();
        String host = address == null ? null : address.hostAddress();
        return host == null ? "unknown" : host;
    }

    /**
     * Per-connection state: written by the connection's event loop (requests), read and re-armed by the
     * sweeper; a stale read only delays a close by one period, never closes a busy connection early,
     * because a request makes {@code requests} differ from {@code seen}.
     */
    /** Deadlines an idle keep-alive connection is given after its first request (60-70 s at the default 10 s). */
    static final int KEEP_ALIVE_PERIODS = 6;

    private final class Tracked {
        final HttpConnection connection;
        volatile long requests;
        volatile HttpServerRequest last;
        volatile boolean exempt;
        volatile long checkAt;
        long seen;

        Tracked(HttpConnection connection, long checkAt) {
            this.connection = connection;
            this.checkAt = checkAt;
        }

        void check(long now) {
            long r = requests;
            HttpServerRequest current = last;
            boolean newRequest = r != seen;
            boolean responding = current != null && !current.response().ended();
            if (newRequest || responding) {
                seen = r;
                // after its first request a connection may idle for KEEP_ALIVE_PERIODS deadlines: longer than
                // common clients keep an idle connection (the JDK's 30 s, browsers' ~60 s at default settings), so
                // the client lets go first and never sends into a close it cannot see coming
                checkAt = now + KEEP_ALIVE_PERIODS * config.headerTimeout().toNanos();
                return;
            }
            if (tracked.remove(connection) != null) {
                headerTimeouts.increment();
                release(clientOf(connection));
                connection.close();
            }
        }
    }
}
