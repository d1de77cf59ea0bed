package io.hexproperty.balancer.gateway.edge;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the edge cache needs from the gateway's data plane: a buffered GET to a worker the balancer picks (for
 * fills and revalidations), and the ordinary streamed pass-through (for what the cache does not answer).
 */
public interface Origin {
    /**
     * Sends GET {@code uri} with {@code headers} and reads the whole answer. A connection failure or timeout
     * completes with the gateway's own problem response (502/503/504), so the cache can treat it like an
     * origin's 5xx (stale-if-error). A body over {@code maxBytes} completes with {@link Fetched#tooLarge()}.
     */
    Future<Fetched> fetch(String uri, MultiMap headers, int maxBytes);

    /** Forwards {@code req} as the gateway does without a cache. */
    void pass(HttpServerRequest req);

    /** An origin's answer, read whole; {@code requestMillis}/{@code responseMillis} are wall-clock (RFC 9111 4.2.3). */
    record Fetched(int status, String statusMessage, MultiMap headers, Buffer body, long requestMillis, long responseMillis,
                   boolean tooLarge) {
        public static Fetched tooLarge(long requestMillis, long responseMillis) {
            return new Fetched(0, "", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(), requestMillis, responseMillis, true);
        }
    }
}
