package io.hexproperty.balancer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.balancer.health.OutlierDetector.Outcome;
import io.hexproperty.testing.lane.Unit;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The reverse proxy's rules: what a failure means, which headers stay on their hop. */
@Unit
class ExchangesTest {
    @Test
    void aRefusedOrResetConnectionIsDefinitiveAFullPoolIsNotTheWorkersFault() {
        assertThat(Exchanges.classify(new ConnectException("Connection refused: /127.0.0.1:4711")).outcome()).isEqualTo(Outcome.UNREACHABLE);
        assertThat(Exchanges.classify(new IOException("Connection reset by peer")).outcome()).isEqualTo(Outcome.UNREACHABLE);
        // Netty's ConnectTimeoutException is a ConnectException too, but a timeout may be a blip
        assertThat(Exchanges.classify(new ConnectException("connection timed out after 1000 ms: /10.0.0.9:80")).outcome())
                .isEqualTo(Outcome.LOCAL_FAILURE);
        Exchanges.Failure busy = Exchanges.classify(
                new TimeoutException("The timeout of 1000 ms has been exceeded when getting a connection to 127.0.0.1:4711"));
        assertThat(busy.outcome()).isNull();
        assertThat(busy.status()).isEqualTo(504);
        assertThat(Exchanges.classify(new TimeoutException("The timeout period of 2000ms has been exceeded while executing GET /x"))
                .outcome()).isEqualTo(Outcome.LOCAL_FAILURE);
        assertThat(Exchanges.classify(new IOException("Connection was closed")).status()).isEqualTo(502);
    }

    @Test
    void hopByHopFieldsAreRecognisedInAnyCaseAndNothingElseIs() {
        for (String h : new String[] {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                "Proxy-Authorization", "proxy-authenticate", "Proxy-Connection"}) {
            assertThat(Exchanges.hopByHop(h)).as(h).isTrue();
        }
        for (String h : new String[] {"Content-Length", "ETag", "Cache-Control", "Authorization", "Vary", "Te-x", "upgrades"}) {
            assertThat(Exchanges.hopByHop(h)).as(h).isFalse();
        }
    }
}
