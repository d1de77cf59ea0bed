package io.hexproperty.caching.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script and its SHA-1, so that calls send EVALSHA (a few bytes) and fall back to EVAL once per node. */
record LuaScript(String name, String source, String sha1) {

    /**
     * Versions are compared as decimal strings (longer is larger, then lexicographic): exact for every
     * non-negative long, where Lua's numbers (doubles) would round above 2^53.
     */
    private static final String NEWER = """
            local function newer(a, b)
              if #a ~= #b then return #a > #b end
              return a > b
            end
            """;

    /** KEYS: value, tombstone. ARGV: version, ttl ms, loadedAt nanos, bytes. 0 installed, 1 tombstone, 2 older. */
    static final LuaScript PUT_IF_NEWER = of("putIfNewer", NEWER + """
            local t = redis.call('GET', KEYS[2])
            if t and newer(t, ARGV[1]) then return 1 end
            local cur = redis.call('HGET', KEYS[1], 'ver')
            if cur and newer(cur, ARGV[1]) then return 2 end
            redis.call('HSET', KEYS[1], 'ver', ARGV[1], 'at', ARGV[3], 'val', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 0
            """);

    /** KEYS: value, tombstone. ARGV: version, tombstone window ms. The tombstone keeps the highest version seen. */
    static final LuaScript INVALIDATE = of("invalidate", NEWER + """
            local v = ARGV[1]
            local t = redis.call('GET', KEYS[2])
            if t and newer(t, v) then v = t end
            redis.call('SET', KEYS[2], v, 'PX', ARGV[2])
            local cur = redis.call('HGET', KEYS[1], 'ver')
            if cur and newer(ARGV[1], cur) then redis.call('DEL', KEYS[1]) end
            return 0
            """);

    /** KEYS: lease. ARGV: owner token. Deletes only the owner's lease, never one a later owner took after expiry. */
    static final LuaScript RELEASE = of("release", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    static LuaScript of(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }
}
