package io.hexproperty.balancer.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.ZipfSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Distribution properties of every algorithm, with seeded randomness and a hand-driven ticker. */
@Tag("unit")
class LoadBalancerTest {
    private static final int PICKS = 100_000;

    private static List<Endpoint> endpoints(int n) {
        return IntStream.range(0, n).mapToObj(i -> Endpoint.of("w" + i)).toList();
    }

    private static Map<String, Integer> count(LoadBalancer lb, List<Endpoint> eps, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(lb.pick(eps, Request.none()).id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinIsWithinOnePercentOverAHundredThousandPicks() {
        List<Endpoint> eps = endpoints(7);
        Map<String, Integer> counts = count(LoadBalancer.roundRobin(), eps, PICKS);
        double expected = PICKS / 7.0;
        assertThat(counts).hasSize(7);
        counts.values().forEach(c -> assertThat((double) c).isCloseTo(expected, within(expected * 0.01)));
    }

    @Test
    void roundRobinVisitsEveryEndpointOncePerCycle() {
        List<Endpoint> eps = endpoints(3);
        LoadBalancer lb = LoadBalancer.roundRobin();
        List<String> cycle = List.of(lb.pick(eps, Request.none()).id(), lb.pick(eps, Request.none()).id(),
                lb.pick(eps, Request.none()).id());
        assertThat(cycle).containsExactlyInAnyOrder("w0", "w1", "w2");
    }

    @Test
    void weightedIsExactlyProportionalAndSmooth() {
        List<Endpoint> eps = List.of(Endpoint.of("a").withWeight(5), Endpoint.of("b").withWeight(1), Endpoint.of("c").withWeight(1));
        LoadBalancer lb = LoadBalancer.weighted();
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seq.add(lb.pick(eps, Request.none()).id());
        }
        // nginx's documented sequence for weights 5,1,1: a a b a c a a
        assertThat(seq).containsExactly("a", "a", "b", "a", "c", "a", "a");
        Map<String, Integer> counts = count(lb, eps, 7 * 10_000);
        assertThat(counts).containsEntry("a", 50_000).containsEntry("b", 10_000).containsEntry("c", 10_000);
    }

    @Test
    void weightedFollowsAWeightChange() {
        LoadBalancer lb = LoadBalancer.weighted();
        List<Endpoint> before = List.of(Endpoint.of("a"), Endpoint.of("b"));
        count(lb, before, 1001);
        List<Endpoint> after = List.of(Endpoint.of("a").withWeight(3), Endpoint.of("b"));
        Map<String, Integer> counts = count(lb, after, 40_000);
        assertThat((double) counts.get("a") / counts.get("b")).isCloseTo(3.0, within(0.01));
    }

    @Test
    void leastConnectionsPrefersTheLessLoaded() {
        List<Endpoint> eps = List.of(Endpoint.of("idle"), Endpoint.of("busy").withInFlight(10), Endpoint.of("mid").withInFlight(2));
        LoadBalancer lb = LoadBalancer.leastConnections(new SplittableRandom(1));
        Map<String, Integer> counts = count(lb, eps, 30_000);
        // P2C: the busiest of three is only chosen when... never (it loses every comparison)
        assertThat(counts.getOrDefault("busy", 0)).isZero();
        assertThat(counts.get("idle")).isGreaterThan(counts.get("mid"));
        assertThat(counts.get("idle")).isCloseTo(20_000, within(600)); // idle wins both pairs it is drawn in: 2/3
    }

    @Test
    void leastConnectionsBalancesASimulatedClosedLoop() {
        // each endpoint drains at a different speed; P2C must keep in-flight near level anyway
        LoadBalancer lb = LoadBalancer.leastConnections(new SplittableRandom(7));
        int[] inflight = new int[4];
        SplittableRandom rnd = new SplittableRandom(3);
        int maxSpread = 0;
        for (int step = 0; step < 50_000; step++) {
            List<Endpoint> eps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                eps.add(Endpoint.of("w" + i).withInFlight(inflight[i]));
            }
            int chosen = Integer.parseInt(lb.pick(eps, Request.none()).id().substring(1));
            inflight[chosen]++;
            for (int i = 0; i < 4; i++) {
                if (inflight[i] > 0 && rnd.nextDouble() < 0.2 + 0.05 * i) {
                    inflight[i]--;
                }
            }
            int max = IntStream.of(inflight).max().orElseThrow();
            int min = IntStream.of(inflight).min().orElseThrow();
            maxSpread = Math.max(maxSpread, max - min);
        }
        // the drain speeds differ by up to 75%; P2C keeps the queues within a few requests of each other
        assertThat(maxSpread).isLessThanOrEqualTo(10);
    }

    @Test
    void boundedLoadHashNeverExceedsCTimesTheAverage() {
        double c = 1.25;
        LoadBalancer lb = LoadBalancer.hash(c, new SplittableRandom(5));
        int n = 5;
        int[] inflight = new int[n];
        SplittableRandom rnd = new SplittableRandom(11);
        // Zipf: most requests ask for a handful of hot listings
        ZipfSampler popularity = ZipfSampler.of(1000, ZipfSampler.DEFAULT_SKEW, 11);
        long total = 0;
        for (int step = 0; step < 100_000; step++) {
            List<Endpoint> eps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                eps.add(Endpoint.of("w" + i).withInFlight(inflight[i]));
            }
            String key = "L" + popularity.next();
            int chosen = Integer.parseInt(lb.pick(eps, new Request(key, null)).id().substring(1));
            inflight[chosen]++;
            total++;
            // the guarantee holds at assignment: the chosen worker is within c x the average, counting this request
            assertThat((double) inflight[chosen]).isLessThanOrEqualTo(Math.ceil(c * total / n));
            if (total > 200) { // drain randomly to keep a steady state
                for (int i = 0; i < n; i++) {
                    int done = (int) (inflight[i] * rnd.nextDouble() * 0.1);
                    inflight[i] -= done;
                    total -= done;
                }
            }
        }
    }

    @Test
    void hashIsStickyPerKeyWhenUnloaded() {
        LoadBalancer lb = LoadBalancer.hash(1.25);
        List<Endpoint> eps = endpoints(4);
        for (int k = 0; k < 200; k++) {
            Request r = new Request("key-" + k, null);
            String first = lb.pick(eps, r).id();
            for (int i = 0; i < 5; i++) {
                assertThat(lb.pick(eps, r).id()).isEqualTo(first);
            }
        }
    }

    @Test
    void hashMovesOnlyTheRemovedWorkersKeys() {
        LoadBalancer lb = LoadBalancer.hash(1.25);
        List<Endpoint> four = endpoints(4);
        List<Endpoint> three = four.subList(0, 3);
        int moved = 0;
        int keys = 4000;
        for (int k = 0; k < keys; k++) {
            Request r = new Request("key-" + k, null);
            String before = lb.pick(four, r).id();
            String after = lb.pick(three, r).id();
            if (!before.equals("w3") && !before.equals(after)) {
                moved++;
            }
        }
        assertThat(moved).isZero();
    }

    @Test
    void hashSpreadsKeysRoughlyEvenly() {
        LoadBalancer lb = LoadBalancer.hash(1.25);
        List<Endpoint> eps = endpoints(4);
        Map<String, Integer> counts = new HashMap<>();
        for (int k = 0; k < 40_000; k++) {
            counts.merge(lb.pick(eps, new Request("key-" + k, null)).id(), 1, Integer::sum);
        }
        counts.values().forEach(v -> assertThat(v).isBetween(8_000, 12_000));
    }

    @Test
    void dynamicAvoidsASlowEndpoint() {
        AtomicLong now = new AtomicLong();
        Map<String, PeakEwma> ewma = new HashMap<>();
        Map<String, Long> latency = Map.of("w0", 2_000_000L, "w1", 2_000_000L, "slow", 52_000_000L);
        latency.keySet().forEach(id -> ewma.put(id, new PeakEwma(now::get, Duration.ofSeconds(10))));
        LoadBalancer lb = LoadBalancer.dynamic(new SplittableRandom(9));
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> inflight = new HashMap<>(Map.of("w0", 0, "w1", 0, "slow", 0));
        for (int i = 0; i < 30_000; i++) {
            now.addAndGet(1_000_000); // 1 request per ms
            List<Endpoint> eps = latency.keySet().stream().sorted()
                    .map(id -> Endpoint.of(id).withInFlight(inflight.get(id)).withLatencyCost(ewma.get(id).cost())).toList();
            String id = lb.pick(eps, Request.none()).id();
            counts.merge(id, 1, Integer::sum);
            ewma.get(id).observe(latency.get(id));
        }
        assertThat(counts.getOrDefault("slow", 0)).isLessThan(30_000 / 20); // under 5%
        assertThat(counts.get("w0")).isCloseTo(counts.get("w1"), within(3_000));
    }

    @Test
    void peakEwmaJumpsUpAtOnceAndDecaysSlowly() {
        AtomicLong now = new AtomicLong();
        PeakEwma e = new PeakEwma(now::get, Duration.ofSeconds(1));
        e.observe(10);
        e.observe(1000);
        assertThat(e.cost()).isEqualTo(1000);
        now.addAndGet(1_000_000_000L);
        assertThat(e.cost()).isCloseTo(1000 / Math.E, within(1e-6));
        e.observe(0);
        assertThat(e.cost()).isCloseTo(1000 / Math.E, within(1e-6)); // blended: a fresh sample counts by elapsed time
    }

    @Test
    void resourceWeightsFollowReportedHeadroom() {
        List<Endpoint> eps = List.of(
                Endpoint.of("cool").withResources(new ResourceReport(0.2, 0, 0)),
                Endpoint.of("hot").withResources(new ResourceReport(0.8, 0, 0)),
                Endpoint.of("queued").withResources(new ResourceReport(0.2, 20, 8)));
        Map<String, Integer> counts = count(LoadBalancer.resource(), eps, 100_000);
        // headroom 0.8, 0.2, 0.8/2/2 = 0.2
        assertThat((double) counts.get("cool") / counts.get("hot")).isCloseTo(4.0, within(0.01));
        assertThat((double) counts.get("hot") / counts.get("queued")).isCloseTo(1.0, within(0.01));
        assertThat(ResourceWeights.agentPercent(new ResourceReport(1, 1000, 100))).isEqualTo(5);
    }

    @Test
    void geographicKeepsARegionOnItsHomeUntilItIsLoaded() {
        LoadBalancer lb = LoadBalancer.geographic(1, 2.0, new SplittableRandom(3));
        List<Endpoint> idle = endpoints(4);
        Map<String, String> homes = new HashMap<>();
        for (String state : List.of("TX", "CA", "NY", "FL", "IL", "WA", "GA", "OH")) {
            String home = lb.pick(idle, new Request(null, state)).id();
            homes.put(state, home);
            for (int i = 0; i < 10; i++) {
                assertThat(lb.pick(idle, new Request(null, state)).id()).isEqualTo(home);
            }
        }
        assertThat(homes.values().stream().distinct().count()).isGreaterThan(1); // regions spread over workers
        String txHome = homes.get("TX");
        List<Endpoint> txHot = idle.stream().map(e -> e.id().equals(txHome) ? e.withInFlight(20) : e.withInFlight(1)).toList();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(lb.pick(txHot, new Request(null, "TX")).id(), 1, Integer::sum);
        }
        assertThat(counts.getOrDefault(txHome, 0)).isZero(); // spilled: home carries > 2 x average
    }

    @Test
    void namedRejectsUnknownAlgorithmsListingTheKnownOnes() {
        for (String name : LoadBalancer.NAMES) {
            assertThat(LoadBalancer.named(name).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> LoadBalancer.named("random")).hasMessageContaining("unknown balancer 'random'")
                .hasMessageContaining("least-connections");
    }

    @Test
    void endpointRejectsNonsense() {
        assertThatThrownBy(() -> Endpoint.of("a").withWeight(-1)).hasMessageContaining("weight of a");
        assertThatThrownBy(() -> new ResourceReport(1.5, 0, 0)).hasMessageContaining("cpu");
    }
}
