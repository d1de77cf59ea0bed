package io.hexproperty.http;

/**
 * The content codings a response is kept ready in, each a representation of its own with its own
 * strong ETag (RFC 9110 8.8.3): the identity tag {@code "v3"}, gzip {@code "v3-gz"}, Brotli
 * {@code "v3-br"} (ADR 0013). Negotiation prefers Brotli, then gzip, and honours {@code q=0}.
 */
enum ContentCoding {
    BROTLI("br", "-br"), GZIP("gzip", "-gz"), IDENTITY("identity", "");

    private final String token;
    private final String etagSuffix;

    ContentCoding(String token, String etagSuffix) {
        this.token = token;
        this.etagSuffix = etagSuffix;
    }

    /** The {@code Content-Encoding} value. */
    String token() {
        return token;
    }

    /** The strong ETag of this coding of the representation whose identity ETag is {@code etag}. */
    String etag(String etag) {
        if (etag == null || this == IDENTITY) {
            return etag;
        }
        return etag.substring(0, etag.length() - 1) + etagSuffix + "\"";
    }

    /** The best coding the client accepts among those available ({@code brotli} false: no Brotli bytes). */
    static ContentCoding choose(String acceptEncoding, boolean brotli) {
        if (acceptEncoding == null) {
            return IDENTITY;
        }
        if (brotli && accepts(acceptEncoding, "br")) {
            return BROTLI;
        }
        return accepts(acceptEncoding, "gzip") ? GZIP : IDENTITY;
    }

    static boolean accepts(String acceptEncoding, String coding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] tokens = part.strip().split(";");
            if (tokens[0].strip().equalsIgnoreCase(coding)) {
                return tokens.length < 2 || !tokens[1].replace(" ", "").matches("q=0(\\.0*)?");
            }
        }
        return false;
    }

    /** True when {@code tag} names any coding of the representation whose identity ETag is {@code etag}. */
    static boolean sameRepresentation(String tag, String etag) {
        if (tag.equals(etag)) {
            return true;
        }
        int base = etag.length() - 1;
        return tag.length() == etag.length() + 3 && tag.regionMatches(0, etag, 0, base)
                && (tag.endsWith("-gz\"") || tag.endsWith("-br\""));
    }
}
