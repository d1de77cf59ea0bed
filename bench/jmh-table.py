#!/usr/bin/env python3
"""Markdown tables and side-by-side ratios from JMH JSON results (java -jar benchmarks.jar ... -rf json -rff r.json).

    python3 bench/jmh-table.py r.json [more.json ...]

Ratios are those the benchmarks were written for: each pair is measured in the same run, same JVM
flags and forks, so the ratio is what to compare across machines, not the absolute scores. On a
shared, noisy machine the mean of the iterations mixes in other processes' bursts; the best iteration
(highest throughput of all forks) is the least disturbed estimate, so both ratios are printed.
"""
import json
import sys

RATIOS = [
    ("ListingJsonBenchmark", "listingJson", "vertxJsonObjectToBuffer", "ListingJson.encode / JsonObject.toBuffer"),
    ("ListingJsonBenchmark", "listingJson", "vertxJsonObjectEncode", "ListingJson.encode / JsonObject.encode (String)"),
    ("SearchQueryBenchmark", "canonicalOnly", "parseBuildCanonical", "canonical() alone / parse+build+canonical"),
    ("MemoryTierHitBenchmark", "tierEntryIfFresh", "caffeine", "MemoryTier hit / raw Caffeine (target >= 0.90)"),
    ("MemoryTierHitBenchmark", "tierEntryIfFresh", "caffeineVariableExpiry", "MemoryTier hit / Caffeine with variable expiry"),
    ("MemoryTierHitBenchmark", "readThroughGetIfFresh", "caffeine", "ReadThrough.getIfFresh (with metrics) / raw Caffeine"),
    ("MemoryTierHitBenchmark", "caffeineVariableExpiry", "caffeine", "Caffeine variable expiry / Caffeine size-only"),
]


def main(paths):
    for path in paths:
        results = json.load(open(path))
        if not results:
            continue
        threads = results[0]["threads"]
        print(f"\n`{path}`: {results[0]['jvm']} {results[0]['vmVersion']}, forks {results[0]['forks']}, "
              f"threads {threads}, {results[0]['warmupIterations']}x{results[0]['warmupTime']} warm-up, "
              f"{results[0]['measurementIterations']}x{results[0]['measurementTime']} measurement\n")
        print("| benchmark | ops/us (mean) | +- (99.9%) | ns/op (mean) | best iteration ops/us |")
        print("| --- | ---: | ---: | ---: | ---: |")
        score, best = {}, {}
        for r in results:
            cls, method = r["benchmark"].rsplit(".", 2)[-2:]
            m = r["primaryMetric"]
            score[(cls, method)] = m["score"]
            best[(cls, method)] = max(v for fork in m["rawData"] for v in fork)
            ns = 1000.0 * threads / m["score"] if m["score"] > 0 else float("nan")
            print(f"| {cls}.{method} | {m['score']:.3f} | {m['scoreError']:.3f} | {ns:.0f} | "
                  f"{best[(cls, method)]:.3f} |")
        rows = [(label, score[(c, a)] / score[(c, b)], best[(c, a)] / best[(c, b)]) for c, a, b, label in RATIOS
                if (c, a) in score and (c, b) in score]
        if rows:
            print("\n| ratio (throughput) | of means | of best iterations |")
            print("| --- | ---: | ---: |")
            for label, mean, top in rows:
                print(f"| {label} | {mean:.3f} | {top:.3f} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
