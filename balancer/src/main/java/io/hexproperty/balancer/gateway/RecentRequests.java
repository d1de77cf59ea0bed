package io.hexproperty.balancer.gateway;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A sample of the GET requests the gateway forwarded lately (path and query), which a warm-up replays
 * against a standby worker so that it enters rotation with the cache entries and compiled code of today's
 * traffic rather than of no traffic (ADR 0023).
 *
 * <p>Design: a fixed ring written without locks by the event loops (one slot per sampled request; a slot
 * overwritten while read is a lost sample, never a torn one). Only anonymous GETs are kept: a warm-up must
 * neither repeat a write nor carry someone's credentials.
 */
public final class RecentRequests {
    static final int CAPACITY = 256;
    /** One request in this many is sampled: a few per second at the rates a worker serves, no cost per request. */
    static final int SAMPLE_EVERY = 4;
    private static final int MAX_URI = 512;

    private final AtomicReferenceArray<String> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong next = new AtomicLong();

    /** Called by the data plane with a per-event-loop count, so that sampling needs no shared counter. */
    void offer(long seen, String method, String uri, boolean credentials) {
        if (seen % SAMPLE_EVERY != 0 || credentials || !"GET".equals(method) || uri == null || uri.length() > MAX_URI
                || !uri.startsWith("/")) {
            return;
        }
        ring.set((int) (next.getAndIncrement() % CAPACITY), uri);
    }

    /** Up to {@code max} distinct sampled URIs, newest first. */
    public List<String> distinct(int max) {
        Set<String> out = new LinkedHashSet<>();
        long end = next.get();
        for (long i = end - 1; i >= 0 && i >= end - CAPACITY && out.size() < max; i--) {
            String uri = ring.get((int) (i % CAPACITY));
            if (uri != null) {
                out.add(uri);
            }
        }
        return new ArrayList<>(out);
    }
}
