package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Browser;
import io.hexproperty.testing.lane.Postgres;
import io.hexproperty.testing.browser.HeadlessChromium;
import io.hexproperty.testing.browser.RequiresChromium;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web page of the real platform (embedded PostgreSQL, generated data) in headless Chromium. */
@RequiresChromium
@Browser
@Postgres
class WebPageBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
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

    @Test
    void searchShowsResultsAndADetailOpens() {
        var any = ApiIntegrationTest.items(p.get("/api/v1/listings?limit=1")).getFirst();
        String place = any.getString("City") + ", " + any.getString("StateOrProvince");

        browser.open(p.baseUrl + "/");
        browser.type("#place", place);
        browser.click("[data-testid=search-submit]");
        browser.waitFor("document.querySelectorAll('[data-testid=result-item]').length > 0", WAIT);
        assertThat(browser.text("[data-testid=result-item] [data-testid=result-city]"))
                .contains(any.getString("City"));
        browser.screenshot(Path.of("target/screenshots/search.png"));

        browser.click("[data-testid=result-item] a");
        browser.waitFor("!document.getElementById('listing-view').hidden"
                + " && document.querySelector('[data-testid=listing-detail]').textContent.length > 0", WAIT);
        assertThat(browser.url()).contains("#/listing/");
        assertThat(browser.text("[data-testid=listing-detail]")).contains(any.getString("City"));
        browser.screenshot(Path.of("target/screenshots/detail.png"));
        assertThat(browser.pageErrors()).isEmpty();
    }
}
