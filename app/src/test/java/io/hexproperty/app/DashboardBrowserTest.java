package io.hexproperty.app;

import io.hexproperty.testing.lane.Postgres;

import io.hexproperty.testing.lane.Browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.browser.HeadlessChromium;
import io.hexproperty.testing.browser.RequiresChromium;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The live dashboard on the management port, in headless Chromium: its charts fill with live points. */
@RequiresChromium
@Browser
@Postgres
class DashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestPlatform p;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        browser = HeadlessChromium.launch(HeadlessChromium.Config.defaults().withViewport(1400, 1000));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void chartsFillWithLivePoints() throws Exception {
        assertThat(p.get("/dashboard").statusCode()).as("not on the public port").isEqualTo(404);
        String key = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=2")).getFirst().getString("ListingKey");
        browser.open(p.managementUrl + "/dashboard");
        // Traffic while the page is open: every point of the window then has requests in it.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 30; i++) {
                p.get("/api/v1/listings/" + key);
                p.get("/api/v1/listings?limit=5&minBeds=" + (i % 4 + 1));
            }
            int points = Integer.parseInt(browser.evaluate("String(window.hexDashboard.points())"));
            browser.waitFor("window.hexDashboard.points() > " + points, WAIT);
        }
        browser.waitFor("Object.values(window.hexDashboard.charts).length === 6"
                + " && Object.values(window.hexDashboard.charts).every(c => c.data[0].length >= 3)", WAIT);
        assertThat(browser.evaluate("String(window.hexDashboard.charts['c-rate'].data[1].some(v => v > 0))")).isEqualTo("true");
        assertThat(browser.evaluate("String(window.hexDashboard.charts['c-latency'].data[3].some(v => v > 0))")).isEqualTo("true");
        assertThat(browser.evaluate("String(window.hexDashboard.charts['c-cache'].data.length > 1)")).isEqualTo("true");
        assertThat(browser.text("#t-rate")).endsWith("req/s");
        assertThat(browser.text("#routes")).contains("/api/v1/listings/:listingKey");
        // The cost panel: cost since start by resource and what maintenance used (none yet on a fresh node).
        assertThat(browser.text("#cost-detail")).startsWith("Since start: CPU $").contains("memory $").contains("maintenance $");

        Path png = browser.screenshot(Path.of("target/screenshots/dashboard.png"));
        BufferedImage image = ImageIO.read(png.toFile());
        // The throughput series is drawn in #1f77b4: a line of data, not an empty frame, is on the picture.
        assertThat(pixelsNear(image, 0x1f, 0x77, 0xb4)).as("pixels of the throughput line").isGreaterThan(100);
        assertThat(browser.pageErrors()).isEmpty();
    }

    private static int pixelsNear(BufferedImage image, int r, int g, int b) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 0xff) - r) < 24 && Math.abs(((rgb >> 8) & 0xff) - g) < 24
                        && Math.abs((rgb & 0xff) - b) < 24) {
                    n++;
                }
            }
        }
        return n;
    }
}
