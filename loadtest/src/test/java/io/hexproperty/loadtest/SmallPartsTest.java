package io.hexproperty.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing, the bounded series, spike recovery, Zipf, workload and comparison on their own. */
@Unit
class SmallPartsTest {

  @Test
  void durationsAsPeopleTypeThem() {
    assertThat(DurationFormat.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationFormat.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationFormat.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationFormat.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> DurationFormat.parse("30")).hasMessageContaining("needs a unit");
    assertThatThrownBy(() -> DurationFormat.parse("2 weeks")).hasMessageContaining("cannot read duration");
  }

  @Test
  void mixFilesInBothFormatsAndInline(@TempDir Path dir) throws Exception {
    Path props = dir.resolve("mix.properties");
    Files.writeString(props, "# reads only\nlisting=3\nsearch=1\n");
    Mix p = Mix.read(props.toString());
    assertThat(p.share(RequestKind.LISTING)).isEqualTo(0.75);
    Path json = dir.resolve("mix.json");
    Files.writeString(json, "{\"map\": 1, \"inquiry\": 1}");
    assertThat(Mix.read(json.toString()).share(RequestKind.MAP)).isEqualTo(0.5);
    assertThat(Mix.read("target=1").weights()).containsOnlyKeys(RequestKind.TARGET);
    assertThat(Mix.realistic().share(RequestKind.LISTING)).isEqualTo(0.6);
    assertThatThrownBy(() -> Mix.read("bogus=1")).hasMessageContaining("unknown request kind 'bogus'");
    assertThatThrownBy(() -> Mix.read("listing=0")).hasMessageContaining("at least one positive weight");
    assertThatThrownBy(() -> Mix.read(dir.resolve("missing.json").toString())).hasMessageContaining("not found");
  }

  @Test
  void zipfFavoursTheHead() {
    ZipfSampler z = new ZipfSampler(1000, 1.0);
    SplittableRandom r = new SplittableRandom(3);
    int[] counts = new int[1000];
    for (int i = 0; i < 200_000; i++) {
      counts[z.next(r)]++;
    }
    // P(rank 1) = 1 / H(1000) ~ 0.1336; rank 2 half of it.
    assertThat(counts[0] / 200_000.0).isCloseTo(0.1336, within(0.005));
    assertThat((double) counts[1] / counts[0]).isCloseTo(0.5, within(0.03));
  }

  @Test
  void workloadUsesRealPlacesCellsAndKeys() {
    List<Catalogue.Entry> entries = List.of(
        new Catalogue.Entry("A1", "San Antonio", "TX", "872830828ffffff", 410_000),
        new Catalogue.Entry("B2", "Boise", "ID", "8728308a9ffffff", 0));
    WorkloadModel w = new WorkloadModel(new Mix(java.util.Map.of(RequestKind.SEARCH, 1.0, RequestKind.MAP, 1.0,
        RequestKind.LISTING, 1.0)), new Catalogue(entries), TargetUrl.parse("http://127.0.0.1:9/"), 1.0, 1);
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      RequestSpec s = w.next(r);
      switch (s.kind()) {
        case SEARCH -> assertThat(s.uri()).matches(
            "/api/v1/listings\\?city=(San\\+Antonio&state=TX|Boise&state=ID).*&sort=\\w+&limit=20");
        case MAP -> assertThat(s.uri()).matches("/api/v1/listings\\?h3=8728308(28|a9)ffffff&sort=newest&limit=50");
        case LISTING -> assertThat(s.uri()).isIn("/api/v1/listings/A1", "/api/v1/listings/B2");
        default -> throw new AssertionError(s);
      }
    }
    assertThatThrownBy(() -> new WorkloadModel(Mix.realistic(), new Catalogue(List.of()),
        TargetUrl.parse("http://127.0.0.1:9/"), 1.0, 1)).hasMessageContaining("catalogue is empty");
  }

  @Test
  void counterSeriesStaysBoundedAndMergesExactly() {
    CounterSeries s = new CounterSeries(8);
    Tally t = new Tally();
    t.sent = 10;
    t.completed = 10;
    t.errors = 1;
    for (int i = 0; i < 100; i++) {
      s.add(t, i, i + 1, 10);
    }
    List<CounterSeries.Row> rows = s.rows();
    assertThat(rows.size()).isLessThanOrEqualTo(9);
    assertThat(rows.stream().mapToLong(r -> r.completed).sum()).isEqualTo(1000);
    assertThat(rows.stream().mapToLong(r -> r.errors).sum()).isEqualTo(100);
    assertThat(rows.getFirst().start).isZero();
    assertThat(rows.getLast().end).isEqualTo(100);
    assertThat(rows.getFirst().completedRate()).isEqualTo(10);
  }

  private static Tally second(long latencyMicros) {
    Tally t = new Tally();
    for (int i = 0; i < 100; i++) {
      t.latency.recordValue(latencyMicros);
    }
    return t;
  }

  @Test
  void spikeRecoveryIsTheStartOfTheFirstGoodWindowAfterTheSpike() {
    SpikeRecovery s = new SpikeRecovery(10, 15);
    for (int i = 0; i < 10; i++) {
      s.onInterval(second(10_000), i, i + 1);
    }
    for (int i = 10; i < 15; i++) {
      s.onInterval(second(900_000), i, i + 1);
    }
    // Still slow for 4 s after the spike, then back to baseline from 19 s on.
    for (int i = 15; i < 19; i++) {
      s.onInterval(second(400_000), i, i + 1);
    }
    for (int i = 19; i < 30; i++) {
      s.onInterval(second(10_500), i, i + 1);
    }
    assertThat(s.baselineP99Micros()).isCloseTo(10_000, within(10.0));
    assertThat(s.spikeP99Micros()).isCloseTo(900_000, within(1_000.0));
    assertThat(s.recoverySeconds()).isEqualTo(4);

    SpikeRecovery never = new SpikeRecovery(2, 3);
    never.onInterval(second(1_000), 0, 1);
    never.onInterval(second(1_000), 1, 2);
    for (int i = 2; i < 10; i++) {
      never.onInterval(second(50_000), i, i + 1);
    }
    assertThat(never.recoverySeconds()).isNaN();
  }

  @Test
  void comparisonFlagsLatencyRateAndErrorRegressionsOnly() {
    JsonObject prev = new JsonObject()
        .put("latencyMs", new JsonObject().put("p50", 2.0).put("p99", 10.0).put("p99.9", 20.0).put("max", 50.0))
        .put("requests", new JsonObject().put("achievedRate", 100.0).put("errorRate", 0.0));
    JsonObject same = prev.copy();
    same.getJsonObject("latencyMs").put("p50", 2.5);
    assertThat(Comparison.of(prev, same, 0.10).regressed()).as("0.5 ms is under the noise floor").isFalse();
    JsonObject worse = prev.copy();
    worse.getJsonObject("latencyMs").put("p99", 15.0);
    worse.getJsonObject("requests").put("achievedRate", 80.0).put("errorRate", 0.01);
    Comparison c = Comparison.of(prev, worse, 0.10);
    assertThat(c.deltas()).filteredOn(Comparison.Delta::regression).extracting(Comparison.Delta::metric)
        .containsExactlyInAnyOrder("latencyMs.p99", "achievedRate", "errorRate");
  }

  @Test
  void resultJsonNamesPercentilesLikeTheThresholds() {
    assertThat(ResultJson.label(99.9)).isEqualTo("p99.9");
    assertThat(ResultJson.label(50)).isEqualTo("p50");
    assertThat(ChartPainter.ninesLabel(3)).isEqualTo("99.9%");
    assertThat(ChartPainter.ninesLabel(1)).isEqualTo("90%");
    assertThat(Chart.nines(99)).isCloseTo(2, within(1e-9));
  }
}
