package io.hexproperty.seed;

import java.util.Map;

/**
 * Dollars per square foot of a typical home in a place: a state level (coastal and island states
 * high, the Midwest and South lower; roughly the 2024 state medians), scaled up for large metros,
 * down for small towns, and by a fixed per-place factor so that neighbouring towns differ the way
 * rich and modest suburbs do. A few metros whose prices are far from their state's are named.
 */
final class PriceLevel {
    private static final Map<String, Integer> STATE = Map.ofEntries(
            Map.entry("HI", 620), Map.entry("CA", 450), Map.entry("DC", 520), Map.entry("MA", 380),
            Map.entry("WA", 350), Map.entry("NY", 230), Map.entry("NJ", 280), Map.entry("CO", 300),
            Map.entry("OR", 280), Map.entry("UT", 270), Map.entry("MD", 230), Map.entry("CT", 240),
            Map.entry("RI", 290), Map.entry("NH", 260), Map.entry("VA", 220), Map.entry("AZ", 250),
            Map.entry("NV", 240), Map.entry("FL", 240), Map.entry("ID", 250), Map.entry("MT", 280),
            Map.entry("VT", 250), Map.entry("ME", 230), Map.entry("DE", 210), Map.entry("AK", 210),
            Map.entry("MN", 190), Map.entry("NC", 190), Map.entry("SC", 180), Map.entry("GA", 180),
            Map.entry("TN", 190), Map.entry("TX", 165), Map.entry("WY", 200), Map.entry("NM", 190),
            Map.entry("WI", 170), Map.entry("PA", 160), Map.entry("IL", 170), Map.entry("MI", 160),
            Map.entry("IN", 140), Map.entry("OH", 140), Map.entry("MO", 150), Map.entry("KS", 140),
            Map.entry("NE", 150), Map.entry("IA", 140), Map.entry("SD", 170), Map.entry("ND", 150),
            Map.entry("KY", 140), Map.entry("AL", 140), Map.entry("AR", 130), Map.entry("LA", 135),
            Map.entry("MS", 120), Map.entry("OK", 130), Map.entry("WV", 110));

    private static final Map<String, Integer> METRO = Map.ofEntries(
            Map.entry("New York|NY", 1350), Map.entry("Brooklyn|NY", 850), Map.entry("Queens|NY", 620),
            Map.entry("Bronx|NY", 400), Map.entry("Staten Island|NY", 450), Map.entry("San Francisco|CA", 1050),
            Map.entry("San Jose|CA", 820), Map.entry("Palo Alto|CA", 1500), Map.entry("Los Angeles|CA", 650),
            Map.entry("San Diego|CA", 620), Map.entry("Boston|MA", 750), Map.entry("Cambridge|MA", 900),
            Map.entry("Seattle|WA", 620), Map.entry("Miami|FL", 560), Map.entry("Honolulu|HI", 700),
            Map.entry("Washington|DC", 600), Map.entry("Austin|TX", 330), Map.entry("Denver|CO", 450),
            Map.entry("Chicago|IL", 260), Map.entry("Houston|TX", 170), Map.entry("Dallas|TX", 210),
            Map.entry("Phoenix|AZ", 280), Map.entry("Philadelphia|PA", 210), Map.entry("Detroit|MI", 80),
            Map.entry("Cleveland|OH", 90), Map.entry("Baltimore|MD", 150), Map.entry("Atlanta|GA", 280),
            Map.entry("Nashville|TN", 310), Map.entry("Portland|OR", 330), Map.entry("Las Vegas|NV", 250));

    private static final int DEFAULT_STATE = 180;

    private PriceLevel() {}

    /** Typical dollars per square foot of living area in the place. */
    static double perSquareFoot(Place place) {
        Integer metro = METRO.get(place.name() + "|" + place.state());
        if (metro != null) {
            return metro;
        }
        return STATE.getOrDefault(place.state(), DEFAULT_STATE) * sizeFactor(place.population()) * placeFactor(place);
    }

    /** How expensive the state is relative to the national middle (1.0 at about $200/sqft). */
    static double stateFactor(String state) {
        return STATE.getOrDefault(state, DEFAULT_STATE) / 200.0;
    }

    private static double sizeFactor(int population) {
        if (population >= 1_000_000) {
            return 1.25;
        }
        if (population >= 300_000) {
            return 1.12;
        }
        if (population >= 100_000) {
            return 1.05;
        }
        if (population >= 30_000) {
            return 1.0;
        }
        if (population >= 10_000) {
            return 0.92;
        }
        return 0.82;
    }

    /** Log-normal (sigma 0.2) and fixed per place, independent of the seed: a town's standing does not change. */
    private static double placeFactor(Place place) {
        long h = SeedMix.mix(place.geonamesId() * 0x9E3779B97F4A7C15L);
        double u1 = ((h >>> 11) + 0.5) / (1L << 53);
        double u2 = ((SeedMix.mix(h) >>> 11) + 0.5) / (1L << 53);
        double gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        return Math.exp(0.2 * gaussian);
    }
}
