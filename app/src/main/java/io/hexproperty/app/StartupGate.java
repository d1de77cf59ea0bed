package io.hexproperty.app;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The request handler of the HTTP servers. It answers from the moment the port is bound (liveness
 * 200, readiness 503, everything else 503 with the startup phase) and switches to the real router
 * once the database is migrated and seeded. Binding first means a port clash is reported before
 * minutes of seeding.
 */
final class StartupGate implements Handler<HttpServerRequest> {
    private volatile Handler<HttpServerRequest> target;
    private volatile String phase = "starting";

    void phase(String phase) {
        this.phase = phase;
    }

    void open(Handler<HttpServerRequest> router) {
        this.target = router;
    }

    @Override
    public void handle(HttpServerRequest request) {
        Handler<HttpServerRequest> t = target;
        if (t != null) {
            t.handle(request);
            return;
        }
        String path = request.path();
        if ("/health/live".equals(path)) {
            request.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}");
            return;
        }
        request.response().setStatusCode(503)
                .putHeader("Content-Type", "/health/ready".equals(path) ? "application/json" : "application/problem+json")
                .putHeader("Retry-After", "5")
                .putHeader("Cache-Control", "no-store")
                .end("/health/ready".equals(path)
                        ? "{\"status\":\"STARTING\",\"phase\":\"" + phase + "\"}"
                        : "{\"type\":\"/problems/starting\",\"title\":\"Starting\",\"status\":503,\"detail\":\"the platform is starting ("
                        + phase + "); retry shortly\"}");
    }
}
