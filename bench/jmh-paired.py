#!/usr/bin/env python3
"""Paired JMH comparison for a noisy, shared machine: ratios of benchmarks to a baseline, measured in
rounds where every benchmark runs once (one fork each) right after the others, in a rotating order,
so each ratio compares runs that saw nearly the same background load. Prints per-benchmark the median
and range of its per-round ratio to the baseline (the median is robust to a burst hitting one run).

    python3 bench/jmh-paired.py --rounds 5 MemoryTierHitBenchmark.caffeine \\
        MemoryTierHitBenchmark.tierEntryIfFresh MemoryTierHitBenchmark.readThroughGetIfFresh [-- -t 2]

The first benchmark is the baseline. Each run: -wi 3 -w 1s -i 5 -r 1s -f 1 (so --rounds 5 gives every
benchmark 5 forks). Extra JMH options go after "--". Needs benchmarks/target/benchmarks.jar
(./mvnw -q -o -pl benchmarks -am package -DskipTests).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(java, jar, name, extra):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    pattern = "io.hexproperty.benchmarks." + name + "$"
    cmd = [java, "-jar", jar, pattern.replace(".", "\\."),
           "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s", "-f", "1", "-rf", "json", "-rff", out] + extra
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = json.load(open(out))
    os.unlink(out)
    if len(result) != 1:
        sys.exit(f"{name} matched {len(result)} benchmarks; name one exactly (Class.method)")
    m = result[0]["primaryMetric"]
    return m["score"], max(v for fork in m["rawData"] for v in fork)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--jar", default=os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar"))
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                                                   "bin", "java"))
    p.add_argument("benchmarks", nargs="+", help="Class.method; the first is the baseline")
    a = p.parse_args(argv)
    if len(a.benchmarks) < 2:
        sys.exit("name a baseline and at least one benchmark")
    names = a.benchmarks
    scores = {n: [] for n in names}
    bests = {n: [] for n in names}
    for r in range(a.rounds):
        k = r % len(names)
        order = names[k:] + names[:k]
        if r % 2:
            order.reverse()
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
        for n in order:
            score, best = run(a.java, a.jar, n, extra)
            scores[n].append(score)
            bests[n].append(best)
            print(f"round {r + 1}/{a.rounds} (load {load}): {n} {score:.3f} ops/us (best iteration {best:.3f})",
                  file=sys.stderr, flush=True)
    base = names[0]
    print(f"\n{a.rounds} rounds x 1 fork, -wi 3 -w 1s -i 5 -r 1s {' '.join(extra)}; baseline {base}\n")
    print("| benchmark | median ops/us | median ratio to baseline | ratio range | median best-iteration ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for n in names:
        ratios = [s / b for s, b in zip(scores[n], scores[base])]
        best_ratios = [s / b for s, b in zip(bests[n], bests[base])]
        print(f"| {n} | {statistics.median(scores[n]):.3f} | {statistics.median(ratios):.3f} | "
              f"{min(ratios):.2f} - {max(ratios):.2f} | {statistics.median(best_ratios):.3f} |")


if __name__ == "__main__":
    main()
