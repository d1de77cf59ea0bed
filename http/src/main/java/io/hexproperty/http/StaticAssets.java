package io.hexproperty.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web page, prepared once at startup and served from memory: every asset gets a fingerprinted
 * name ({@code /assets/app.<sha256-8>.js}) that index.html is rewritten to use, and identity, gzip
 * and Brotli (quality 11, paid once here) bytes are kept ready, each coding with its own strong ETag. Fingerprinted assets are {@code immutable} for a year (a new build is a
 * new name); index.html is {@code no-cache} with a strong ETag, so a deploy reaches browsers at their
 * next visit for the price of a 304. The plain names ({@code /app.js}) stay served, revalidated, for
 * pages loaded before a deploy. Every answer carries the security headers of
 * {@link ResponseHeaders#securityHeaders}: the page runs under a same-origin Content-Security-Policy.
 */
public final class StaticAssets {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    private final Map<String, Asset> byPath;
    private final Map<String, String> fingerprinted;

    private record Asset(Buffer identity, Buffer gzip, Buffer br, String contentType, String etag, String cacheControl) {
        Buffer body(ContentCoding coding) {
            return switch (coding) {
                case BROTLI -> br;
                case GZIP -> gzip;
                case IDENTITY -> identity;
            };
        }
    }

    private StaticAssets(Map<String, Asset> byPath, Map<String, String> fingerprinted) {
        this.byPath = Map.copyOf(byPath);
        this.fingerprinted = Map.copyOf(fingerprinted);
    }

    /** The page under {@code root} on the classpath: {@code index} plus the assets it names. */
    public static StaticAssets load(String root, String index, List<String> assets) {
        Map<String, Asset> byPath = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        String html = new String(read(root + "/" + index), StandardCharsets.UTF_8);
        for (String name : assets) {
            byte[] bytes = read(root + "/" + name);
            String hash = sha256(bytes);
            int dot = name.lastIndexOf('.');
            String path = "/assets/" + name.substring(0, dot) + "." + hash.substring(0, 8) + name.substring(dot);
            names.put(name, path);
            byPath.put(path, asset(bytes, contentType(name), hash, IMMUTABLE));
            byPath.put("/" + name, asset(bytes, contentType(name), hash, REVALIDATE));
            String rewritten = html.replace("\"" + name + "\"", "\"" + path + "\"");
            if (rewritten.equals(html)) {
                throw new IllegalStateException(index + " does not reference " + name + " as \"" + name + "\"");
            }
            html = rewritten;
        }
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        Asset indexAsset = asset(page, contentType(index), sha256(page), REVALIDATE);
        byPath.put("/", indexAsset);
        byPath.put("/" + index, indexAsset);
        return new StaticAssets(byPath, names);
    }

    /** The page shipped in webroot/, prepared once per JVM (Brotli 11 is not free) and shared: it is immutable. */
    public static StaticAssets webroot() {
        return Webroot.PAGE;
    }

    private static final class Webroot {
        static final StaticAssets PAGE = load("webroot", "index.html", List.of("app.css", "app.js",
                "vendor/web-vitals/web-vitals.iife.js", "rum.js", "favicon.svg"));
    }

    /** The fingerprinted path of an asset ({@code app.js} -> {@code /assets/app.1a2b3c4d.js}). */
    public String pathOf(String name) {
        String path = fingerprinted.get(name);
        if (path == null) {
            throw new IllegalArgumentException("no asset " + name + "; assets: " + fingerprinted.keySet());
        }
        return path;
    }

    /** Serves the asset at the request path, or passes the request on. */
    public void handle(RoutingContext ctx) {
        Asset asset = byPath.get(ctx.request().path());
        if (asset == null) {
            ctx.next();
            return;
        }
        ContentCoding coding = ContentCoding.choose(ctx.request().getHeader("Accept-Encoding"), asset.br() != null);
        HttpServerResponse res = ResponseHeaders.securityHeaders(ctx.response())
                .putHeader("Content-Type", asset.contentType())
                .putHeader("Cache-Control", asset.cacheControl())
                .putHeader("ETag", coding.etag(asset.etag()))
                .putHeader("Vary", "Accept-Encoding");
        if (ETags.matchesNoneMatch(ctx.request().getHeader("If-None-Match"), asset.etag())) {
            res.setStatusCode(304).end();
        } else {
            // Named even for identity, so that the server's own compression leaves the bytes alone.
            res.putHeader("Content-Encoding", coding.token());
            ResponseHeaders.end(ctx, res, asset.body(coding));
        }
    }

    private static Asset asset(byte[] bytes, String contentType, String hash, String cacheControl) {
        Buffer identity = Buffer.buffer(bytes);
        return new Asset(identity, Encoded.gzip(identity), BrotliCodec.compress(bytes, BrotliCodec.STATIC_QUALITY),
                contentType, "\"" + hash.substring(0, 16) + "\"", cacheControl);
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        throw new IllegalArgumentException("no content type known for " + name);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
