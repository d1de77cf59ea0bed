package io.hexproperty.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The live dashboard of the management port: {@code /dashboard} is a page that charts with uPlot
 * (from the {@code org.webjars.npm:uplot} webjar) what {@code /dashboard/live} pushes as server-sent
 * events, one JSON point every {@link #PERIOD_MS} ms: throughput, latency percentiles, error rate,
 * Apdex, cache hit ratio per tier, the database pool, replica lag, RUM p75 and cost per 1,000
 * requests (the live window of {@code MetricsRegistry}).
 */
public final class Dashboard {
    static final long PERIOD_MS = 2000;
    private final Vertx vertx;
    private final Supplier<String> live;
    private final Map<String, Asset> assets;

    private record Asset(Buffer bytes, String type) {
    }

    /** {@code live}: the current point as JSON, or null while there is none yet. */
    public Dashboard(Vertx vertx, Supplier<String> live) {
        this.vertx = Objects.requireNonNull(vertx);
        this.live = Objects.requireNonNull(live);
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        this.assets = Map.of(
                "/dashboard", new Asset(read("dashboard/index.html"), "text/html; charset=utf-8"),
                "/dashboard/dashboard.js", new Asset(read("dashboard/dashboard.js"), "text/javascript; charset=utf-8"),
                "/dashboard/dashboard.css", new Asset(read("dashboard/dashboard.css"), "text/css; charset=utf-8"),
                "/dashboard/uPlot.iife.min.js", new Asset(read(uplot + "uPlot.iife.min.js"), "text/javascript; charset=utf-8"),
                "/dashboard/uPlot.min.css", new Asset(read(uplot + "uPlot.min.css"), "text/css; charset=utf-8"));
    }

    /** Adds the dashboard's routes to the management router. */
    public void mount(Router router) {
        router.get("/dashboard/live").handler(this::live);
        for (String path : assets.keySet()) {
            router.get(path).handler(ctx -> {
                ctx.put(HttpMetrics.ROUTE_KEY, "/dashboard");
                Asset a = assets.get(path);
                ctx.response().putHeader("Content-Type", a.type()).putHeader("Cache-Control", "no-cache").end(a.bytes());
            });
        }
    }

    private void live(RoutingContext ctx) {
        ctx.put(HttpMetrics.ROUTE_KEY, "/dashboard/live");
        HttpServerResponse res = ctx.response().setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        res.write("retry: 2000\n\n");
        send(res);
        long timer = vertx.setPeriodic(PERIOD_MS, id -> send(res));
        res.closeHandler(v -> vertx.cancelTimer(timer));
        ctx.request().connection().closeHandler(v -> vertx.cancelTimer(timer));
    }

    private void send(HttpServerResponse res) {
        if (res.closed() || res.ended()) {
            return;
        }
        String point = live.get();
        if (point != null) {
            res.write("data: " + point + "\n\n");
        }
    }

    private static String uplotVersion() {
        try (InputStream in = Dashboard.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uplot webjar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Buffer read(String resource) {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
