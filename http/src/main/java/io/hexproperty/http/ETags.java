package io.hexproperty.http;

import java.util.OptionalLong;

/** Strong entity tags derived from the listing version: {@code "v<version>"}. */
final class ETags {
    private ETags() {}

    static String of(long version) {
        return "\"v" + version + "\"";
    }

    /** If-None-Match: true when any listed tag (weak comparison, per RFC 9110) or '*' matches. */
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
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** If-Match: empty when absent or '*'; the version when one strong tag of ours is given. */
    static OptionalLong parseIfMatch(String header) {
        if (header == null || header.strip().equals("*")) {
            return OptionalLong.empty();
        }
        String tag = header.strip();
        if (!tag.matches("\"v[0-9]{1,18}\"")) {
            throw BadRequestException.parameter("If-Match", "must be one ETag of this API such as \"v3\" (weak tags never match)");
        }
        return OptionalLong.of(Long.parseLong(tag.substring(2, tag.length() - 1)));
    }
}
