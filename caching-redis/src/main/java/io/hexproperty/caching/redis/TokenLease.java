package io.hexproperty.caching.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** {@link RedisLease} with one random owner token per instance. */
final class TokenLease<K> implements RedisLease<K> {

    private final RedisEndpoint endpoint;
    private final KeyLayout<K> layout;
    private final String token = UUID.randomUUID().toString();

    TokenLease(RedisEndpoint endpoint, KeyLayout<K> layout) {
        this.endpoint = endpoint;
        this.layout = layout;
    }

    @Override
    public CompletionStage<Boolean> tryAcquire(K key, Duration ttl) {
        Request set = Request.cmd(Command.SET).arg(layout.lease(key)).arg(token).arg("NX").arg("PX")
                .arg(Math.max(1, ttl.toMillis()));
        return endpoint.send(set).handle((response, error) -> {
            if (error != null) {
                endpoint.failed("lease", error);
                return true;
            }
            return response != null && "OK".equals(response.toString());
        });
    }

    @Override
    public CompletionStage<Boolean> release(K key) {
        return endpoint.eval(LuaScript.RELEASE, List.of(layout.lease(key)), List.of(token)).handle((response, error) -> {
            if (error != null) {
                endpoint.failed("lease", error);
                return false;
            }
            return response.toInteger() == 1;
        });
    }
}
