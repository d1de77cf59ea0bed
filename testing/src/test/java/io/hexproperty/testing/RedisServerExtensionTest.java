package io.hexproperty.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The race every "choose a free port, close it, let a child bind it later" has: another process takes the port
 * in between. Here it is forced: the first port handed out is held by a listening socket when redis-server starts.
 */
@Tag("redis")
class RedisServerExtensionTest {
    @Test
    void aStartThatLostItsPortIsRetriedOnAnotherAndTheServerAnsweringIsOurs() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int taken = squatter.getLocalPort();
            AtomicInteger handedOut = new AtomicInteger();
            RedisServerExtension redis = new RedisServerExtension(1, false, () -> {
                if (handedOut.getAndIncrement() == 0) {
                    return taken;
                }
                try (ServerSocket free = new ServerSocket(0)) {
                    return free.getLocalPort();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            redis.beforeAll(null);
            try {
                assertThat(handedOut).hasValue(2);
                assertThat(redis.port()).isNotEqualTo(taken);
                assertThat(redis.cli("SET", "k", "v")).isEqualTo("OK");
                assertThat(redis.cli("GET", "k")).isEqualTo("v");
            } finally {
                redis.afterAll(null);
            }
        }
    }
}
