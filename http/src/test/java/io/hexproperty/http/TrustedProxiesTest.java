package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hexproperty.testing.lane.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client address of a request: the TCP peer, or what trusted proxies forwarded (ADR 0025). */
@Unit
class TrustedProxiesTest {
    private static final TrustedProxies GATEWAY = TrustedProxies.parse("127.0.0.1");
    private static final TrustedProxies CHAIN = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, fd00::/8");

    @Test
    void withoutTrustedProxiesTheHeaderIsNeverRead() {
        assertThat(TrustedProxies.none().clientOf("198.51.100.9", List.of("1.2.3.4"))).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.parse(" ").isNone()).isTrue();
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() {
        assertThat(GATEWAY.clientOf("198.51.100.9", List.of("1.2.3.4"))).isEqualTo("198.51.100.9");
        assertThat(CHAIN.clientOf("198.51.100.9", List.of("10.0.0.1, 1.2.3.4"))).isEqualTo("198.51.100.9");
    }

    @Test
    void aTrustedPeerNamesTheClientItAppended() {
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        // what the client sent itself sits left of what the gateway appended, and is not believed
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("6.6.6.6, 203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of())).as("no header: the peer").isEqualTo("127.0.0.1");
    }

    @Test
    void aChainOfTrustedProxiesIsWalkedFromTheRight() {
        // client -> CDN edge 10.1.2.3 -> load balancer 192.168.1.7 -> this node (peer 10.9.9.9)
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("203.0.113.5, 10.1.2.3, 192.168.1.7"))).isEqualTo("203.0.113.5");
        // the spoofed part left of the client is ignored
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("1.1.1.1, 203.0.113.5, 10.1.2.3"))).isEqualTo("203.0.113.5");
        // several header lines are one list, in order
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("1.1.1.1, 203.0.113.5", "10.1.2.3", "192.168.1.7"))).isEqualTo("203.0.113.5");
        // every entry trusted: the left-most is the furthest hop known
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("10.1.1.1, 10.2.2.2"))).isEqualTo("10.1.1.1");
        // IPv6 proxies and clients
        assertThat(CHAIN.clientOf("fd00::1", List.of("2001:db8::5, fd12::7"))).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void portsBracketsSpacesAndCaseAreReadAndAddressesAreCanonical() {
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("  203.0.113.5:41234  "))).isEqualTo("203.0.113.5");
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("[2001:DB8::5]:443"))).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("[2001:db8::5]"))).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("2001:db8:0:0::5"))).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of("::ffff:203.0.113.5"))).as("IPv4-mapped").isEqualTo("203.0.113.5");
        assertThat(GATEWAY.clientOf("127.0.0.1", List.of(",, 203.0.113.5 ,"))).as("empty elements skipped").isEqualTo("203.0.113.5");
        assertThat(TrustedProxies.loopback().clientOf("0:0:0:0:0:0:0:1", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(TrustedProxies.loopback().clientOf("::1", List.of())).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void garbageResolvesToThePeerNeverToAnError() {
        for (String garbage : new String[] {"unknown", "_hidden", "not an address", "1.2.3", "1.2.3.4.5", "256.1.1.1",
                "01.2.3.4", "1.2.3.4:", "1.2.3.4:99999999", "[2001:db8::1", "[2001:db8::1]x", "2001:db8::1%eth0",
                "::g", "\"1.2.3.4\"", "1.2.3.4\r\nX-Evil: 1", "localhost", "example.com", "x".repeat(5000),
                "[" + "1:".repeat(40) + "]", "1.2.3.4 5.6.7.8"}) {
            assertThat(GATEWAY.clientOf("127.0.0.1", List.of(garbage))).as(garbage).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void anEnormousHeaderOrChainResolvesToThePeer() {
        String many = String.join(",", java.util.Collections.nCopies(200, "10.0.0.1"));
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("203.0.113.5," + many))).as("over the size cap").isEqualTo("10.9.9.9");
        String hops = String.join(",", java.util.Collections.nCopies(TrustedProxies.MAX_HOPS + 1, "10.0.0.1"));
        assertThat(hops.length()).isLessThan(TrustedProxies.MAX_HEADER_CHARS);
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("203.0.113.5," + hops))).as("over the hop cap").isEqualTo("10.9.9.9");
        String fits = String.join(",", java.util.Collections.nCopies(TrustedProxies.MAX_HOPS, "10.0.0.1"));
        assertThat(CHAIN.clientOf("10.9.9.9", List.of("203.0.113.5," + fits))).isEqualTo("203.0.113.5");
    }

    @Test
    void cidrRangesMatchByPrefix() {
        TrustedProxies t = TrustedProxies.parse("10.0.0.0/8,172.16.0.0/12,192.168.1.7,2001:db8::/32,::1");
        assertThat(t.trusts("10.255.1.1")).isTrue();
        assertThat(t.trusts("11.0.0.1")).isFalse();
        assertThat(t.trusts("172.31.255.255")).isTrue();
        assertThat(t.trusts("172.32.0.0")).isFalse();
        assertThat(t.trusts("192.168.1.7")).isTrue();
        assertThat(t.trusts("192.168.1.8")).isFalse();
        assertThat(t.trusts("2001:db8:ffff::1")).isTrue();
        assertThat(t.trusts("2001:db9::1")).isFalse();
        assertThat(t.trusts("::1")).isTrue();
        assertThat(t.trusts("::2")).isFalse();
        assertThat(t.trusts("::ffff:10.1.1.1")).as("IPv4-mapped matches the IPv4 range").isTrue();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("8.8.8.8")).isTrue();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trusts("::1")).as("an IPv4 range never holds IPv6").isFalse();
        assertThat(TrustedProxies.parse("10.1.2.3/8").toString()).as("host bits cleared").isEqualTo("10.0.0.0/8");
        assertThat(TrustedProxies.loopback().toString()).isEqualTo("127.0.0.1/32,0:0:0:0:0:0:0:1/128");
        assertThat(TrustedProxies.loopback().trusts("127.0.0.2")).as("another loopback address is a client").isFalse();
        assertThat(TrustedProxies.parse(TrustedProxies.loopback().toString())).isEqualTo(TrustedProxies.loopback());
    }

    @Test
    void badSettingsAreRefusedWithTheEntryNamed() {
        for (String bad : new String[] {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0/8", "proxy.internal",
                "10.0.0.0/8;", "fe80::1%eth0", "10.0.0.0/8/8"}) {
            assertThatThrownBy(() -> TrustedProxies.parse("127.0.0.1," + bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--trusted-proxies")
                    .hasMessageContaining(bad);
        }
    }
}
