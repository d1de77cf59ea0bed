package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * An RFC 9457 problem detail. {@code parameter} names the query parameter, header or body field at
 * fault so that a client (or a person) knows exactly what to fix. Never carries a stack trace.
 */
public record Problem(int status, String slug, String title, String detail, String parameter) {

    public static Problem badParameter(String parameter, String reason) {
        return new Problem(400, "invalid-parameter", "Invalid parameter", parameter + " " + reason, parameter);
    }

    public Buffer toJson() {
        StringBuilder out = new StringBuilder(160);
        JsonText json = new JsonText(out).begin()
                .field("type", "/problems/" + slug)
                .field("title", title)
                .field("status", status)
                .field("detail", detail);
        if (parameter != null) {
            json.field("parameter", parameter);
        }
        json.end();
        return Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void send(HttpServerResponse response) {
        if (response.ended() || response.headWritten()) {
            if (!response.ended()) {
                response.reset();
            }
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .putHeader("Cache-Control", "no-store")
                .end(toJson());
    }
}
