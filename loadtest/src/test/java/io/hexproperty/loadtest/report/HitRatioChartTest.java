package io.hexproperty.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class HitRatioChartTest {
    @TempDir
    Path dir;

    @Test
    void barsAreAsTallAsTheirRatio() throws Exception {
        Path tsv = Files.writeString(dir.resolve("results.tsv"),
                "algorithm\tlistingHitRatio\tsearchHitRatio\tdistinct\nround-robin\t0.25\t0.10\t90\nhash\t0.75\tNaN\t250\n");
        List<HitRatioChart.Row> rows = HitRatioChart.read(tsv);
        assertThat(rows).extracting(HitRatioChart.Row::algorithm).containsExactly("round-robin", "hash");
        Path png = dir.resolve("chart.png");
        HitRatioChart.write(rows, "test", png);
        BufferedImage image = ImageIO.read(png.toFile());
        // the listing bar of each group: measure its height in the column just left of the group's centre
        int left = 60;
        int top = 60;
        int h = image.getHeight() - top - 50;
        double group = (image.getWidth() - left - 20) / 2.0;
        int blue = 0x1f77b4;
        for (int i = 0; i < 2; i++) {
            int x = (int) (left + group * (i + 0.5)) - 10;
            int height = 0;
            for (int y = top; y < top + h; y++) {
                if ((image.getRGB(x, y) & 0xffffff) == blue) {
                    height++;
                }
            }
            assertThat((double) height / h).isCloseTo(i == 0 ? 0.25 : 0.75, org.assertj.core.data.Offset.offset(0.02));
        }
    }

    @Test
    void aRowWithoutRatiosIsRefusedNamingTheLine() throws Exception {
        Path tsv = Files.writeString(dir.resolve("bad.tsv"), "algorithm\tlisting\nhash\n");
        assertThatThrownBy(() -> HitRatioChart.read(tsv)).hasMessageContaining("'hash'");
    }
}
