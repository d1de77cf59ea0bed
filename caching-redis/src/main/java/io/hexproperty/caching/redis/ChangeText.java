package io.hexproperty.caching.redis;

import io.hexproperty.domain.ListingChange;
import io.hexproperty.domain.ListingKey;
import java.time.Instant;

/**
 * The compact text form of a {@link ListingChange} on the pub/sub channel:
 * {@code 1|sequence|listingKey|version|U or D|city|state|h3r7|committedAt}. City and state have '%' and
 * '|' percent-escaped; an absent one is empty. The leading format number lets a later form coexist.
 */
final class ChangeText {

    private static final String FORMAT = "1";

    private ChangeText() {
    }

    static String encode(ListingChange change) {
        return FORMAT + '|' + change.sequence() + '|' + change.listingKey().value() + '|' + change.version() + '|'
                + (change.kind() == ListingChange.Kind.DELETE ? 'D' : 'U') + '|' + escape(change.city()) + '|'
                + escape(change.state()) + '|' + change.h3r7() + '|' + change.committedAt();
    }

    static ListingChange decode(String text) {
        String[] f = text.split("\\|", -1);
        if (f.length != 9 || !FORMAT.equals(f[0])) {
            throw new IllegalArgumentException("not a format-1 listing change (9 '|'-separated fields): '" + text + "'");
        }
        ListingChange.Kind kind = switch (f[4]) {
            case "U" -> ListingChange.Kind.UPSERT;
            case "D" -> ListingChange.Kind.DELETE;
            default -> throw new IllegalArgumentException("kind must be U or D, was '" + f[4] + "' in '" + text + "'");
        };
        return new ListingChange(Long.parseLong(f[1]), ListingKey.of(f[2]), Long.parseLong(f[3]), kind,
                unescape(f[5]), unescape(f[6]), Long.parseLong(f[7]), Instant.parse(f[8]));
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("%", "%25").replace("|", "%7C");
    }

    private static String unescape(String s) {
        return s.isEmpty() ? null : s.replace("%7C", "|").replace("%25", "%");
    }
}
