package io.hexproperty.app;

import io.hexproperty.testing.lane.Postgres;

import io.hexproperty.testing.lane.Browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hexproperty.testing.browser.HeadlessChromium;
import io.hexproperty.testing.browser.RequiresChromium;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real-user monitoring from a real browser: pages loaded in headless Chromium send their web vitals
 * to /rum when hidden, and the per-template histograms on /metrics move. Also the layout stability
 * the vitals are about: the search and detail views do not shift as their data arrives.
 */
@RequiresChromium
@Browser
@Postgres
class RumBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    // Every layout shift of the page so far (buffered), as [{value, hadRecentInput, sources:[node]}].
    private static final String SHIFTS = "new Promise(resolve => { const out = [];"
            + " new PerformanceObserver(list => { for (const e of list.getEntries()) out.push({value: e.value,"
            + " input: e.hadRecentInput, sources: (e.sources || []).map(s => s.node ? (s.node.id || s.node.className"
            + " || s.node.nodeName) : '?')}); }).observe({type: 'layout-shift', buffered: true});"
            + " setTimeout(() => resolve(JSON.stringify(out)), 300); })";
    private static TestPlatform p;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() {
        p = TestPlatform.get();
        browser = HeadlessChromium.launch();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    private static double count(String family, String template) {
        String metrics = p.management("/metrics").body();
        return metrics.lines().filter(l -> l.startsWith(family + "_count{") && l.contains("template=\"" + template + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double cls() {
        JsonArray shifts = new JsonArray(browser.evaluate(SHIFTS));
        double sum = 0;
        for (int i = 0; i < shifts.size(); i++) {
            var s = shifts.getJsonObject(i);
            if (!s.getBoolean("input")) {
                sum += s.getDouble("value");
            }
        }
        System.out.println("layout shifts: " + shifts.encode() + " -> CLS " + sum);
        return sum;
    }

    @Test
    void pagesSendTheirVitalsAndTheMetricsMove() {
        var any = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=1")).getFirst();
        String search = "/#/search?city=" + ApiIntegrationTest.enc(any.getString("City")) + "&state="
                + any.getString("StateOrProvince");
        double searchBefore = count("rum_ttfb_seconds", "search");
        double detailBefore = count("rum_ttfb_seconds", "detail");

        browser.open("about:blank"); // a new page load each time: a hash change alone is the same page
        browser.open(p.baseUrl + search);
        browser.waitFor("document.querySelectorAll('[data-testid=result-item]').length > 0", WAIT);
        assertThat(browser.evaluate("window.hexRum.template")).isEqualTo("search");
        assertThat(cls()).as("CLS of the search view").isLessThanOrEqualTo(0.05);

        browser.open("about:blank"); // pagehide: the search page sends its beacon
        browser.open(p.baseUrl + "/#/listing/" + any.getString("ListingKey"));
        browser.waitFor("!document.getElementById('listing-view').hidden"
                + " && document.querySelector('[data-testid=listing-detail]').textContent.length > 0", WAIT);
        assertThat(cls()).as("CLS of the detail view").isLessThanOrEqualTo(0.05);
        browser.open("about:blank"); // pagehide: the detail page sends its beacon

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(count("rum_ttfb_seconds", "search")).isGreaterThan(searchBefore);
            assertThat(count("rum_ttfb_seconds", "detail")).isGreaterThan(detailBefore);
            assertThat(count("rum_fcp_seconds", "detail")).isPositive();
            assertThat(count("rum_page_load_seconds", "detail")).isPositive();
        });
        assertThat(p.management("/metrics").body()).contains("rum_sessions").contains("rum_bounce_ratio");
    }

    @Test
    void thePageHasAFaviconAndNoConsoleErrors() {
        browser.open(p.baseUrl + "/");
        String icon = browser.evaluate("document.querySelector('link[rel=icon]').href");
        assertThat(icon).contains("/assets/favicon.");
        var response = p.get(icon.substring(icon.indexOf("/assets/")));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("image/svg+xml");
        assertThat(browser.pageErrors()).isEmpty();
    }
}
