package io.hexproperty.loadtest.workload;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The --target URL split into what the HTTP client needs. */
public record TargetUrl(boolean tls, String host, int port, String pathAndQuery) {

    public static TargetUrl parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--target is not a URL: " + url, e);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("--target must be an http:// or https:// URL, was " + url);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("--target has no host: " + url);
        }
        boolean tls = scheme.equals("https");
        int port = u.getPort() > 0 ? u.getPort() : (tls ? 443 : 80);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String pq = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        return new TargetUrl(tls, u.getHost(), port, pq);
    }

    /**
     * API paths are absolute on the target's origin: the HexProperty API lives at /api/v1 whatever
     * path the --target URL names (that path is what the {@code target} request kind fetches).
     */
    String apiPath(String path) {
        return path;
    }

    String origin() {
        return (tls ? "https://" : "http://") + host + ":" + port;
    }
}
