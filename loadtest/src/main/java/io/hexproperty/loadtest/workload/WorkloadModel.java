package io.hexproperty.loadtest.workload;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Turns a mix and a catalogue of live listings into a stream of requests. Listing popularity is
 * Zipf over a seeded shuffle of the collected keys (so "newest" is not "most popular"); searches
 * take the place of a uniformly drawn listing, which weights places by how many listings they
 * hold, the way traffic follows population; map searches use the H3 cell of a popular listing.
 * Called only from the scheduler thread.
 */
public final class WorkloadModel {

    private static final String JSON = "application/json";
    private static final String[] SORTS = {"newest", "newest", "price_asc", "price_desc"};

    private final RequestKind[] kinds;
    private final double[] cumulative;
    private final List<Catalogue.Entry> byPopularity;
    private final List<Catalogue.Entry> places;
    private final List<Catalogue.Entry> cells;
    private final ZipfSampler zipf;
    private final ZipfSampler zipfCells;
    private final TargetUrl target;
    private long inquirySeq;

    public WorkloadModel(Mix mix, Catalogue catalogue, TargetUrl target, double zipfExponent, long seed) {
        this.target = target;
        if (mix.needsCatalogue() && catalogue.isEmpty()) {
            throw new IllegalArgumentException("mix " + mix + " needs listings but the catalogue is empty;"
                    + " the target listed none (use --mix target=1 for a plain URL)");
        }
        kinds = mix.weights().keySet().toArray(RequestKind[]::new);
        cumulative = new double[kinds.length];
        double c = 0;
        for (int i = 0; i < kinds.length; i++) {
            c += mix.share(kinds[i]);
            cumulative[i] = c;
        }
        cumulative[kinds.length - 1] = 1.0;
        List<Catalogue.Entry> shuffled = new ArrayList<>(catalogue.entries());
        Collections.shuffle(shuffled, new Random(seed));
        byPopularity = List.copyOf(shuffled);
        places = shuffled.stream().filter(e -> e.city() != null && e.state() != null).toList();
        cells = shuffled.stream().filter(e -> e.h3Cell7() != null).toList();
        zipf = byPopularity.isEmpty() ? null : new ZipfSampler(byPopularity.size(), zipfExponent);
        zipfCells = cells.isEmpty() ? null : new ZipfSampler(cells.size(), zipfExponent);
        if (mix.weights().containsKey(RequestKind.SEARCH) && places.isEmpty()) {
            throw new IllegalArgumentException("mix has searches but no collected listing has City and StateOrProvince");
        }
        if (mix.weights().containsKey(RequestKind.MAP) && cells.isEmpty()) {
            throw new IllegalArgumentException("mix has map searches but no collected listing has H3Cell7");
        }
    }

    public RequestSpec next(SplittableRandom random) {
        double u = random.nextDouble();
        int i = 0;
        while (cumulative[i] < u) {
            i++;
        }
        RequestKind kind = kinds[i];
        return switch (kind) {
            case LISTING -> get(kind, "/api/v1/listings/" + enc(popular(random).key()));
            case SEARCH -> get(kind, search(random));
            case MAP -> get(kind, "/api/v1/listings?h3=" + enc(cells.get(zipfCells.next(random)).h3Cell7())
                    + "&sort=newest&limit=50");
            case UPDATE -> update(random);
            case INQUIRY -> inquiry(random);
            case TARGET -> new RequestSpec(kind, HttpMethod.GET, target.pathAndQuery(), null, null);
        };
    }

    private Catalogue.Entry popular(SplittableRandom random) {
        return byPopularity.get(zipf.next(random));
    }

    private RequestSpec get(RequestKind kind, String path) {
        return new RequestSpec(kind, HttpMethod.GET, target.apiPath(path), null, null);
    }

    private String search(SplittableRandom random) {
        Catalogue.Entry place = places.get(random.nextInt(places.size()));
        StringBuilder q = new StringBuilder("/api/v1/listings?city=").append(enc(place.city()))
                .append("&state=").append(enc(place.state()));
        double f = random.nextDouble();
        if (f < 0.35) {
            q.append("&minBeds=").append(1 + random.nextInt(4));
        }
        if (f > 0.25 && f < 0.70 && place.listPrice() > 0) {
            long cap = Math.round(place.listPrice() * (0.8 + 0.6 * random.nextDouble()) / 10_000.0) * 10_000;
            q.append("&maxPrice=").append(Math.max(10_000, cap));
        }
        if (f > 0.85) {
            q.append("&minBaths=").append(1 + random.nextInt(3));
        }
        q.append("&sort=").append(SORTS[random.nextInt(SORTS.length)]).append("&limit=20");
        return q.toString();
    }

    private RequestSpec update(SplittableRandom random) {
        Catalogue.Entry e = popular(random);
        long base = e.listPrice() > 0 ? e.listPrice() : 250_000;
        long price = Math.max(1_000, Math.round(base * (0.97 + 0.06 * random.nextDouble()) / 100.0) * 100);
        Buffer body = new JsonObject().put("ListPrice", price).toBuffer();
        return new RequestSpec(RequestKind.UPDATE, HttpMethod.PATCH,
                target.apiPath("/api/v1/listings/" + enc(e.key())), body, JSON);
    }

    private RequestSpec inquiry(SplittableRandom random) {
        Catalogue.Entry e = popular(random);
        long n = ++inquirySeq;
        Buffer body = new JsonObject()
                .put("ListingKey", e.key())
                .put("name", "Load Test " + n)
                .put("email", "loadtest+" + n + "@example.com")
                .put("message", "Is this home still available? I would like to schedule a visit.")
                .toBuffer();
        return new RequestSpec(RequestKind.INQUIRY, HttpMethod.POST, target.apiPath("/api/v1/inquiries"), body, JSON);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
