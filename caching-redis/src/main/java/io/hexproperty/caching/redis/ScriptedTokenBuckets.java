package io.hexproperty.caching.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/** {@link RedisTokenBuckets} by one Lua script per take. */
final class ScriptedTokenBuckets implements RedisTokenBuckets {

    /**
     * KEYS: the buckets. ARGV[1]: now (ms); ARGV[2i], ARGV[2i+1]: burst and period (ms) of KEYS[i].
     * Returns {0, 0} when a token was taken from every bucket, else {i, ms until KEYS[i] has one} and nothing is
     * written. Refill is continuous (tokens are decimals); a clock behind the stored time refills nothing.
     */
    static final LuaScript TAKE = LuaScript.of("takeTokens", """
            local now = tonumber(ARGV[1])
            local left = {}
            local at = {}
            for i = 1, #KEYS do
              local burst = tonumber(ARGV[2 * i])
              local period = tonumber(ARGV[2 * i + 1])
              local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
              local tokens = tonumber(state[1]) or burst
              local last = tonumber(state[2]) or now
              local t = math.max(now, last)
              tokens = math.min(burst, tokens + (t - last) * burst / period)
              if tokens < 1 then
                return {i, math.max(1, math.ceil((1 - tokens) * period / burst))}
              end
              left[i] = tokens - 1
              at[i] = t
            end
            for i = 1, #KEYS do
              redis.call('HSET', KEYS[i], 'tokens', tostring(left[i]), 'at', tostring(at[i]))
              redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i + 1]) + 1000)
            end
            return {0, 0}
            """);

    private final RedisEndpoint endpoint;
    private final String tag;
    private final LongSupplier wallNanos;

    ScriptedTokenBuckets(RedisEndpoint endpoint, String keyPrefix, LongSupplier wallNanos) {
        this.endpoint = endpoint;
        this.tag = "{" + keyPrefix + ":rl}:";
        this.wallNanos = wallNanos;
    }

    @Override
    public CompletionStage<Verdict> take(List<Bucket> buckets) {
        List<byte[]> keys = new ArrayList<>(buckets.size());
        List<Object> args = new ArrayList<>(1 + 2 * buckets.size());
        args.add(wallNanos.getAsLong() / 1_000_000L);
        for (Bucket b : buckets) {
            keys.add((tag + b.name()).getBytes(StandardCharsets.UTF_8));
            args.add((long) b.burst());
            args.add(b.period().toMillis());
        }
        return endpoint.eval(TAKE, keys, args).thenApply(ScriptedTokenBuckets::verdict).whenComplete((v, error) -> {
            if (error != null) {
                endpoint.failed("ratelimit", error);
            }
        });
    }

    private static Verdict verdict(Response reply) {
        int index = reply.get(0).toInteger();
        return index == 0 ? Verdict.GRANTED : new Verdict(index - 1, reply.get(1).toLong() * 1_000_000L);
    }

    @Override
    public CompletionStage<Void> warm() {
        return endpoint.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SCRIPT).arg("LOAD")
                .arg(TAKE.source())).thenApply(sha -> null);
    }

    @Override
    public Future<Void> close() {
        return endpoint.close();
    }
}
