package io.hexproperty.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which peers may tell this node who the client is ({@code serve --trusted-proxies}, ADR 0025), and the
 * resolution of the client address from {@code X-Forwarded-For}.
 *
 * <p>Design. The TCP peer is the only address nobody can forge. Only when the peer is a trusted proxy is
 * {@code X-Forwarded-For} read, right to left: every proxy appends the address it saw, so the right-most
 * entries were written by our own proxies and everything left of the first untrusted entry may have been made
 * up by the client. The client is therefore the right-most entry that is not a trusted proxy (the algorithm of
 * nginx's realip with {@code real_ip_recursive on}, Envoy's trusted hops and Spring's ForwardedHeaderFilter);
 * when every entry is trusted, the left-most one. Whatever cannot be read (garbage, an obfuscated identifier,
 * a chain longer than {@link #MAX_HOPS} trusted hops, a header over {@link #MAX_HEADER_CHARS}) resolves to the
 * TCP peer, never to an error: a malformed header costs its sender its own identity, nothing more.
 *
 * <p>Addresses are parsed without DNS (IPv4 dotted quads by hand, IPv6 only after a character check, so that
 * {@link InetAddress} never resolves a name) and returned in one canonical form, so {@code ::1},
 * {@code 0:0:0:0:0:0:0:1} and {@code [::1]:443} are one client, and an IPv4-mapped IPv6 peer is its IPv4 address.
 */
public final class TrustedProxies {
    /** More entries than this to the right of the client means a loop or an attack: the peer is used. */
    static final int MAX_HOPS = 16;
    /** Beyond this many characters of X-Forwarded-For (all of its lines) only the peer is believed. */
    static final int MAX_HEADER_CHARS = 2048;
    static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Trusts nobody: the client is always the TCP peer (the default of {@code serve}). */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * 127.0.0.1 and ::1, the addresses a gateway on this machine connects to loopback workers from: what
     * {@code cluster} gives its workers. Not all of 127.0.0.0/8: a local client on 127.0.0.2 is a client, not a
     * proxy (a machine can use the rest of 127/8 for other services and test clients).
     */
    public static TrustedProxies loopback() {
        return parse("127.0.0.1,::1");
    }

    /**
     * A comma-separated list of addresses or CIDR ranges ({@code 10.0.0.0/8, 192.168.1.7, fd00::/8}); blank is
     * none. Throws IllegalArgumentException naming the entry that is not one.
     */
    public static TrustedProxies parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String entry : text.split(",")) {
            String e = entry.strip();
            if (!e.isEmpty()) {
                ranges.add(Cidr.parse(e));
            }
        }
        return ranges.isEmpty() ? NONE : new TrustedProxies(ranges);
    }

    /** Whether nobody is trusted. */
    public boolean isNone() {
        return ranges.isEmpty();
    }

    /** The ranges in canonical form, comma-separated (what a worker's command line gets). */
    @Override
    public String toString() {
        return String.join(",", ranges.stream().map(Cidr::toString).toList());
    }

    /** Whether {@code address} (a literal in any accepted form) is inside a trusted range. */
    public boolean trusts(String address) {
        byte[] bytes = Addresses.parse(address);
        return bytes != null && trusts(bytes);
    }

    private boolean trusts(byte[] address) {
        for (Cidr range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client of a request: {@code peer} (the TCP peer's address) unless it is trusted, else resolved from
     * the {@code X-Forwarded-For} lines {@code forwardedFor} (in the order they arrived; null or empty: none).
     */
    public String clientOf(String peer, List<String> forwardedFor) {
        // a socket's IPv6 peer may carry a zone (fe80::1%eth0): the interface is not part of who the client is
        byte[] peerBytes = Addresses.parse(peer == null || peer.indexOf('%') < 0 ? peer : peer.substring(0, peer.indexOf('%')));
        if (peerBytes == null) {
            return peer == null ? "unknown" : peer; // a unix socket or nothing: nothing to canonicalise or trust
        }
        String peerText = Addresses.format(peerBytes);
        if (ranges.isEmpty() || forwardedFor == null || forwardedFor.isEmpty() || !trusts(peerBytes)) {
            return peerText;
        }
        int chars = 0;
        for (String line : forwardedFor) {
            chars += line.length() + 1;
        }
        if (chars > MAX_HEADER_CHARS) {
            return peerText;
        }
        byte[] leftMost = null;
        int hops = 0;
        for (int l = forwardedFor.size() - 1; l >= 0; l--) {
            String[] entries = forwardedFor.get(l).split(",", -1);
            for (int i = entries.length - 1; i >= 0; i--) {
                String entry = entries[i].strip();
                if (entry.isEmpty()) {
                    continue; // an empty list element (RFC 9110 5.6.1): not an address, not an error
                }
                byte[] address = Addresses.parseEntry(entry);
                if (address == null) {
                    return peerText;
                }
                if (!trusts(address)) {
                    return Addresses.format(address);
                }
                if (++hops > MAX_HOPS) {
                    return peerText;
                }
                leftMost = address;
            }
        }
        return leftMost == null ? peerText : Addresses.format(leftMost);
    }

    /** An address with a prefix length: {@code 10.0.0.0/8}, {@code ::1/128}; a bare address is a full-length prefix. */
    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            byte[] address = Addresses.parse(host);
            if (address == null) {
                throw new IllegalArgumentException("--trusted-proxies: '" + text
                        + "' is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8)");
            }
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = text.substring(slash + 1);
                if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                    throw new IllegalArgumentException("--trusted-proxies: the prefix length of '" + text
                            + "' must be 0.." + bits);
                }
                prefix = Integer.parseInt(length);
            }
            byte[] network = address.clone();
            for (int i = 0; i < network.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                network[i] &= (byte) (0xff << (8 - keep));
            }
            return new Cidr(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & 0xff);
        }

        @Override
        public String toString() {
            return Addresses.format(network) + "/" + prefix;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(network) + prefix;
        }
    }

    /** IP literals without DNS. */
    static final class Addresses {
        private Addresses() {}

        /**
         * One X-Forwarded-For entry: an address, optionally with a port ({@code 1.2.3.4:80}) or in brackets
         * ({@code [2001:db8::1]}, {@code [2001:db8::1]:443}). Null when it is none of these.
         */
        static byte[] parseEntry(String entry) {
            if (entry.length() > 64) {
                return null;
            }
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    return null;
                }
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty() && !port(rest)) {
                    return null;
                }
                byte[] v6 = ipv6(entry.substring(1, close));
                return v6;
            }
            int colon = entry.indexOf(':');
            if (colon >= 0 && colon == entry.lastIndexOf(':')) { // one colon: IPv4 with a port
                return port(entry.substring(colon)) ? ipv4(entry.substring(0, colon)) : null;
            }
            return parse(entry);
        }

        /** A bare literal (IPv4, IPv6, or IPv6 in brackets); IPv4-mapped IPv6 becomes IPv4. Null when not one. */
        static byte[] parse(String text) {
            if (text == null || text.isEmpty() || text.length() > 64) {
                return null;
            }
            if (text.startsWith("[") && text.endsWith("]")) {
                return ipv6(text.substring(1, text.length() - 1));
            }
            return text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
        }

        static String format(byte[] address) {
            try {
                String text = InetAddress.getByAddress(address).getHostAddress();
                return text.toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("an address of " + address.length + " bytes", e);
            }
        }

        private static boolean port(String text) {
            return text.length() >= 2 && text.length() <= 6 && text.charAt(0) == ':'
                    && text.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
        }

        private static byte[] ipv4(String text) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                        || (p.length() > 1 && p.charAt(0) == '0')) { // no octal-looking 010: ambiguous across parsers
                    return null;
                }
                int v = Integer.parseInt(p);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }

        private static byte[] ipv6(String text) {
            // only hex digits, colons and (for an embedded IPv4 tail) dots: InetAddress then parses a literal and
            // never looks a name up; zone ids (%eth0) are refused, they name an interface, not a client
            if (text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0) {
                return null;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
                if (!ok) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(text).getAddress(); // IPv4-mapped ::ffff:a.b.c.d comes back as 4 bytes
            } catch (UnknownHostException e) {
                return null;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedProxies t && t.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ranges);
    }
}
