package io.hexproperty.loadtest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hexproperty.testing.lane.Unit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durations, mixes, Zipf keys and the workload model on their own. */
@Unit
class WorkloadPartsTest {

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
}
