package io.hexproperty.caching.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Walks one server's keyspace with SCAN (never KEYS: it would block Redis) and UNLINKs what matches. */
final class RedisScan {
    private static final int COUNT = 500;

    private RedisScan() {}

    /** {@code perKey}: one UNLINK per key (a cluster node refuses multi-key commands across slots). */
    static Future<Long> unlinkAll(Redis redis, String pattern, boolean perKey) {
        return step(redis, pattern, "0", 0, perKey);
    }

    private static Future<Long> step(Redis redis, String pattern, String cursor, long dropped, boolean perKey) {
        return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(COUNT))
                .compose(page -> {
                    String next = page.get(0).toString();
                    Response keys = page.get(1);
                    Future<Long> unlinked = Future.succeededFuture(0L);
                    if (keys.size() > 0 && !perKey) {
                        Request unlink = Request.cmd(Command.UNLINK);
                        for (Response key : keys) {
                            unlink.arg(key.toBuffer());
                        }
                        unlinked = redis.send(unlink).map(r -> r == null ? 0L : r.toLong());
                    } else {
                        for (Response key : keys) {
                            unlinked = unlinked.compose(sum -> redis.send(Request.cmd(Command.UNLINK).arg(key.toBuffer()))
                                    .map(r -> sum + (r == null ? 0L : r.toLong())));
                        }
                    }
                    return unlinked.compose(n -> "0".equals(next) ? Future.succeededFuture(dropped + n)
                            : step(redis, pattern, next, dropped + n, perKey));
                });
    }
}
