# Varnish in front of HexProperty (Varnish 6/7, VCL 4.1).
#
#   varnishd -a :6081 -f deploy/varnish/hexproperty.vcl -s malloc,256m
#   hexproperty serve --purge-url http://127.0.0.1:6081/
#
# TTLs come from the platform: CDN-Cache-Control (RFC 9213, meant for shared caches) when present,
# else Cache-Control s-maxage / max-age (Varnish's default). Objects keep their Surrogate-Key header,
# and the platform bans by key on every committed change (BAN with X-Purge-Keys), so shared caches
# may keep responses for minutes and still drop them within milliseconds of a change.
vcl 4.1;

import std;

# The platform (edit host/port; the integration test rewrites this block).
backend default {
    .host = "127.0.0.1";
    .port = "8080";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may ban: only the platform, on this machine.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN" || req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.X-Purge-All) {
            # Everything the platform tagged (after it lost its change feed).
            if (!std.ban("obj.http.Surrogate-Key ~ .")) {
                return (synth(400, std.ban_error()));
            }
            return (synth(200, "Banned all"));
        }
        # Keys are [A-Za-z0-9:_-] separated by single spaces: safe inside a regular expression.
        if (req.http.X-Purge-Keys !~ "^[A-Za-z0-9:_-]+( [A-Za-z0-9:_-]+)*$") {
            return (synth(400, "X-Purge-Keys must be space-separated keys of [A-Za-z0-9:_-]"));
        }
        # Only obj.* in the expression: the ban lurker can apply it in the background, so the ban
        # list stays short even for objects nobody requests again. The regex matches whole
        # space-separated keys, (^| )key( |$), spelled without a space because the ban parser
        # splits its arguments on spaces even inside quotes.
        if (!std.ban("obj.http.Surrogate-Key ~ (^|[[:space:]])(" +
                regsuball(req.http.X-Purge-Keys, " ", "|") + ")([[:space:]]|$)")) {
            return (synth(400, std.ban_error()));
        }
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|metrics|health)(/|$)" || req.http.Authorization) {
        return (pass);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # RFC 9213: CDN-Cache-Control overrides Cache-Control for shared caches.
    if (beresp.http.CDN-Cache-Control ~ "(^|[ ,])max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.CDN-Cache-Control,
                "^.*(?:^|[ ,])max-age=([0-9]+).*$", "\1") + "s", 0s);
        if (beresp.http.CDN-Cache-Control ~ "stale-while-revalidate=[0-9]+") {
            set beresp.grace = std.duration(regsub(beresp.http.CDN-Cache-Control,
                    "^.*stale-while-revalidate=([0-9]+).*$", "\1") + "s", 0s);
        }
        if (beresp.http.CDN-Cache-Control ~ "stale-if-error=[0-9]+") {
            set beresp.keep = std.duration(regsub(beresp.http.CDN-Cache-Control,
                    "^.*stale-if-error=([0-9]+).*$", "\1") + "s", 0s);
        }
    }
    # Without a Surrogate-Key the object could never be purged: keep it only as long as browsers do.
    if (!beresp.http.Surrogate-Key && beresp.ttl > 10s) {
        set beresp.ttl = 10s;
    }
    if (beresp.http.Cache-Control ~ "(no-store|private)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
    }
}

sub vcl_deliver {
    # Browsers see Cache-Control only; the CDN directives and keys are for this cache.
    unset resp.http.CDN-Cache-Control;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
