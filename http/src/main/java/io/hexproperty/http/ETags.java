package io.hexproperty.http;

import java.util.OptionalLong;

/**
 * Strong entity tags derived from the listing version: {@code "v<version>"} for the identity coding,
 * {@code "v<version>-gz"} and {@code "v<version>-br"} for the compressed ones ({@link ContentCoding}).
 */
final class ETags {
    private ETags() {}

    static String of(long version) {
        return "\"v" + version + "\"";
    }

    /** A strong tag from the bytes of a representation without a version: {@code "p<sha256-16>"}. */
    static String ofContent(byte[] bytes) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"p" + java.util.HexFormat.of().formatHex(digest, 0, 8) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * If-None-Match: true when any listed tag (weak comparison, per RFC 9110) or '*' matches any coding
     * of the representation: a cache that stored the gzip variant revalidates with its tag, and a 304
     * for it is right whichever coding it now negotiates, because the bytes behind both are the same.
     */
    static boolean matchesNoneMatch(String header, String etag) {
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            String tag = part.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (ContentCoding.sameRepresentation(tag, etag)) {
                return true;
            }
        }
        return false;
    }

    /** If-Match: empty when absent or '*'; the version when one strong tag of ours (any coding) is given. */
    static OptionalLong parseIfMatch(String header) {
        if (header == null || header.strip().equals("*")) {
            return OptionalLong.empty();
        }
        String tag = header.strip();
        if (tag.endsWith("-gz\"") || tag.endsWith("-br\"")) {
            tag = tag.substring(0, tag.length() - 4) + "\"";
        }
        if (!tag.matches("\"v[0-9]{1,18}\"")) {
            throw BadRequestException.parameter("If-Match", "must be one ETag of this API such as \"v3\" (weak tags never match)");
        }
        return OptionalLong.of(Long.parseLong(tag.substring(2, tag.length() - 1)));
    }
}
