package io.hexproperty.balancer.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * More routes under {@code /admin/cluster} (after the admin token is checked), and more fields in
 * {@code GET /admin/cluster}: how the autoscaler plugs into the admin port without the admin knowing it.
 */
public interface AdminExtension {
    /** Answers the request and returns true, or returns false to let the admin answer 404. {@code rest} follows /admin/cluster. */
    boolean handle(HttpServerRequest req, String rest);

    /** Adds fields to the cluster description. */
    void describe(JsonObject cluster);

    static AdminExtension none() {
        return new AdminExtension() {
            @Override
            public boolean handle(HttpServerRequest req, String rest) {
                return false;
            }

            @Override
            public void describe(JsonObject cluster) {}
        };
    }
}
