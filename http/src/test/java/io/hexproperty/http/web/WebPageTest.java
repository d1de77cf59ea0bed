package io.hexproperty.http.web;

import io.hexproperty.testing.lane.Browser;
import io.hexproperty.testing.browser.HeadlessChromium;
import io.hexproperty.testing.browser.RequiresChromium;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the web page in webroot/ in headless Chromium against a strict fixture of the API.
 * Screenshots go to target/screenshots/ for a look by eye.
 */
@RequiresChromium
@Browser
class WebPageTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ITEMS = "document.querySelectorAll('[data-testid=result-item]')";
    private static final Path SHOTS = Path.of("target", "screenshots");

    private static FixtureApi api;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        api = new FixtureApi();
        browser = HeadlessChromium.launch();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @AfterEach
    void pageRaisedNoErrors() {
        assertThat(browser.pageErrors()).isEmpty();
    }

    /** Loads the page afresh (about:blank first, so a hash-only change is still a new document). */
    private static void load(String hash) {
        browser.open("about:blank");
        browser.open(api.baseUrl() + "/" + hash);
        browser.waitFor("document.querySelector('[data-testid=search-form]') !== null", WAIT);
    }

    private static void search(String place) {
        browser.type("#place", place);
        browser.click("[data-testid=search-submit]");
    }

    private static List<String> resultKeys() {
        JsonArray keys = new JsonArray(browser.evaluate(
                "JSON.stringify(Array.from(" + ITEMS + ").map(li => li.dataset.listingKey))"));
        return keys.stream().map(String::valueOf).toList();
    }

    private static String hash() {
        return browser.evaluate("location.hash");
    }

    @Test
    void searchingCityAndStateShowsResultsAndNextPageFollowsTheCursor() {
        load("");

        search("Houston, TX");
        browser.waitFor(ITEMS + ".length === 20", WAIT);

        assertThat(hash()).isEqualTo("#/search?city=Houston&state=TX&sort=newest");
        assertThat(api.searchQueries()).last().isEqualTo("city=Houston&state=TX&sort=newest");
        assertThat(browser.text("[data-testid=result-item] [data-testid=result-price]")).matches("\\$\\d{3},\\d{3}");
        assertThat(browser.text("[data-testid=result-item]"))
                .contains("Houston, TX").containsPattern("\\d beds? · \\d baths? · [\\d,]+ sqft").containsPattern("\\d+ photos");
        assertThat(browser.text("[data-testid=search-title]")).isEqualTo("Homes for sale in Houston, TX");
        assertThat(browser.text("[data-testid=result-count]")).isEqualTo("20 homes on page 1");
        assertThat(browser.text("[data-testid=results]")).doesNotContain("/mo");
        browser.screenshot(SHOTS.resolve("search-results.png"));
        List<String> firstPage = resultKeys();

        browser.click("[data-testid=next-page]");
        browser.waitFor(ITEMS + ".length === 5", WAIT);

        assertThat(hash()).contains("cursor=o20").contains("page=2");
        assertThat(api.searchQueries()).last().isEqualTo("city=Houston&state=TX&sort=newest&cursor=o20");
        assertThat(browser.text("[data-testid=page-number]")).isEqualTo("Page 2");
        assertThat(browser.text("[data-testid=result-count]")).isEqualTo("5 homes on page 2");
        assertThat(browser.evaluate("document.querySelector('[data-testid=next-page]').hidden")).isEqualTo("true");
        Set<String> all = new HashSet<>(firstPage);
        all.addAll(resultKeys());
        assertThat(all).hasSize(FixtureApi.HOUSTON_LISTINGS);

        browser.evaluate("history.back()");
        browser.waitFor(ITEMS + ".length === 20 && !location.hash.includes('cursor')", WAIT);
        assertThat(resultKeys()).isEqualTo(firstPage);
    }

    @Test
    void rentIsItsOwnSearchWithMonthlyRentsAndNoPricePerSqft() {
        load("");
        browser.select("#market", "rent");

        search("Houston, TX");
        browser.waitFor(ITEMS + ".length === " + FixtureApi.HOUSTON_RENTALS, WAIT);

        assertThat(hash()).isEqualTo("#/search?city=Houston&state=TX&market=rent&sort=newest");
        assertThat(api.searchQueries()).last().isEqualTo("city=Houston&state=TX&market=rent&sort=newest");
        assertThat(browser.text("[data-testid=search-title]")).isEqualTo("Homes for rent in Houston, TX");
        List<String> prices = new JsonArray(browser.evaluate("JSON.stringify(Array.from(" + ITEMS
                + ").map(li => li.querySelector('[data-testid=result-price]').textContent))")).stream().map(String::valueOf).toList();
        assertThat(prices).hasSize(FixtureApi.HOUSTON_RENTALS).allSatisfy(p -> assertThat(p).matches("\\$\\d,\\d{3}/mo"));
        browser.screenshot(SHOTS.resolve("rent-results.png"));

        browser.click("[data-testid=result-item] a");
        browser.waitFor("document.querySelector('[data-testid=detail-price]') !== null", WAIT);
        assertThat(browser.text("[data-testid=detail-price]")).endsWith("/mo");
        String detail = browser.text("[data-testid=listing-detail]").toLowerCase(java.util.Locale.ROOT);
        assertThat(detail).contains("monthly rent", "about this rental").doesNotContain("price per sqft", "list price");

        browser.evaluate("history.back()");
        browser.waitFor(ITEMS + ".length === " + FixtureApi.HOUSTON_RENTALS, WAIT);
        assertThat(browser.evaluate("document.getElementById('market').value")).isEqualTo("rent");
        load("#/search?city=Houston&state=TX");
        browser.waitFor(ITEMS + ".length === 20", WAIT);
        assertThat(browser.evaluate("document.getElementById('market').value")).isEqualTo("sale");
    }

    @Test
    void aZipCodeAndFiltersAreSentAndEmptyFieldsAreLeftOut() {
        load("");
        browser.type("#minPrice", "300000");
        browser.select("#minBeds", "2");
        browser.select("#sort", "price_asc");

        search("77002");
        browser.waitFor(ITEMS + ".length > 0", WAIT);

        assertThat(api.searchQueries()).last().isEqualTo("postalCode=77002&minPrice=300000&minBeds=2&sort=price_asc");
        List<Long> prices = new JsonArray(browser.evaluate("JSON.stringify(Array.from(" + ITEMS
                + ").map(li => Number(li.querySelector('[data-testid=result-price]').textContent.replace(/[$,]/g, ''))))"))
                .stream().map(p -> ((Number) p).longValue()).toList();
        assertThat(prices).isSorted().allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(300_000));
        assertThat(browser.text("[data-testid=search-title]")).isEqualTo("Homes for sale in 77002 · from $300,000 · 2+ beds");
    }

    @Test
    void clickingAResultOpensItsDetailAndTheAgentCanBeContacted() {
        load("#/search?city=Houston&state=TX&sort=price_desc");
        browser.waitFor(ITEMS + ".length === 20", WAIT);
        String key = resultKeys().get(0);

        browser.click("[data-testid=result-item] a");
        browser.waitFor("document.querySelector('[data-testid=detail-price]') !== null", WAIT);

        assertThat(hash()).isEqualTo("#/listing/" + key);
        // innerText is what a user sees, so the upper-cased labels are compared without case.
        String detail = browser.text("[data-testid=listing-detail]").toLowerCase(java.util.Locale.ROOT);
        assertThat(detail).contains("houston, tx 7700", "about this home", "bright", "mls number", "list price",
                "price per sqft", "last updated", "coordinates").doesNotContain("/mo", "monthly rent");
        // What a buyer sees: no record internals (listing key, H3 cells, version, agent key).
        assertThat(detail).doesNotContain(key.toLowerCase(java.util.Locale.ROOT), "h3", "872a1072bffffff", "record version",
                "listing key", "ag" + Integer.parseInt(key.substring(2)) % 9);
        assertThat(browser.evaluate("document.querySelector('[data-testid=detail-listing-key]') === null")).isEqualTo("true");
        assertThat(browser.text("[data-testid=detail-status]")).isIn("Active", "Pending");
        assertThat(browser.text("[data-testid=detail-listed]")).matches("[A-Z][a-z]{2} \\d{1,2}, 2026");
        assertThat(browser.evaluate("document.title")).contains("Houston");

        browser.type("#inq-name", "Ada Lovelace");
        browser.type("#inq-email", "ada@example.com");
        browser.screenshot(SHOTS.resolve("listing-detail.png"));
        browser.click("[data-testid=inquiry-submit]");
        browser.waitFor("!document.querySelector('[data-testid=inquiry-result]').hidden", WAIT);

        assertThat(browser.text("[data-testid=inquiry-result]")).isEqualTo("Message sent. The agent will reply to ada@example.com.");
        JsonObject sent = api.inquiries().getLast();
        assertThat(sent.fieldNames()).containsExactlyInAnyOrder("ListingKey", "name", "email", "message");
        assertThat(sent.getString("ListingKey")).isEqualTo(key);
        assertThat(sent.getString("name")).isEqualTo("Ada Lovelace");
        assertThat(sent.getString("message")).startsWith("I am interested in");

        browser.click("[data-testid=back-link]");
        browser.waitFor(ITEMS + ".length === 20 && location.hash.startsWith('#/search')", WAIT);
    }

    @Test
    void anApiErrorShowsItsDetailAndMarksTheField() {
        load("");

        search("Houston, Texas");
        browser.waitFor("!document.querySelector('[data-testid=error]').hidden", WAIT);

        assertThat(browser.text("[data-testid=error-title]")).isEqualTo("Invalid parameter");
        assertThat(browser.text("[data-testid=error-detail]"))
                .isEqualTo("state must be a two-letter USPS code such as TX, got 'Texas'");
        assertThat(browser.evaluate("document.getElementById('place').getAttribute('aria-invalid')")).isEqualTo("true");
        assertThat(browser.evaluate(ITEMS + ".length")).isEqualTo("0");
        browser.screenshot(SHOTS.resolve("search-error.png"));

        search("Houston, TX");
        browser.waitFor(ITEMS + ".length === 20", WAIT);
        assertThat(browser.evaluate("document.querySelector('[data-testid=error]').hidden")).isEqualTo("true");
        assertThat(browser.evaluate("document.getElementById('place').hasAttribute('aria-invalid')")).isEqualTo("false");
    }

    @Test
    void aPopularPlaceRunsItsSearchAndBackReturnsToTheSameScrollPosition() {
        load("");
        browser.click("[data-testid=places] a[href*=Houston]");
        browser.waitFor(ITEMS + ".length === 20", WAIT);
        assertThat(browser.evaluate("document.getElementById('place').value")).isEqualTo("Houston, TX");

        browser.click("[data-testid=result-item]:last-child a");
        browser.waitFor("document.querySelector('[data-testid=detail-price]') !== null", WAIT);
        assertThat(browser.evaluate("window.scrollY")).isEqualTo("0");

        browser.evaluate("history.back()");
        browser.waitFor(ITEMS + ".length === 20 && window.scrollY > 500", WAIT);
    }

    @Test
    void theLayoutFitsAPhoneScreen() {
        try (HeadlessChromium phone = HeadlessChromium.launch(HeadlessChromium.Config.defaults().withViewport(390, 844))) {
            phone.open(api.baseUrl() + "/#/search?city=Houston&state=TX");
            phone.waitFor(ITEMS + ".length === 20", WAIT);
            assertThat(phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo("true");
            phone.screenshot(SHOTS.resolve("search-results-phone.png"));

            phone.click("[data-testid=result-item] a");
            phone.waitFor("document.querySelector('[data-testid=detail-price]') !== null", WAIT);
            assertThat(phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo("true");
            assertThat(phone.pageErrors()).isEmpty();
        }
    }

    @Test
    void aRejectedInquiryShowsTheProblemDetailAtTheForm() {
        load("#/listing/HX00000003");
        browser.waitFor("document.querySelector('[data-testid=detail-price]') !== null", WAIT);
        int sentBefore = api.inquiries().size();

        browser.type("#inq-name", "Ada Lovelace");
        browser.type("#inq-email", "ada@mail.invalid");
        browser.click("[data-testid=inquiry-submit]");
        browser.waitFor("!document.querySelector('[data-testid=inquiry-result]').hidden", WAIT);

        assertThat(browser.text("[data-testid=inquiry-result] [data-testid=error-detail]"))
                .isEqualTo("email domain mail.invalid does not accept mail");
        assertThat(browser.evaluate("document.getElementById('inq-email').getAttribute('aria-invalid')")).isEqualTo("true");
        assertThat(browser.evaluate("document.getElementById('inq-message').value")).startsWith("I am interested in");
        assertThat(api.inquiries()).hasSize(sentBefore);
        browser.screenshot(SHOTS.resolve("inquiry-error.png"));
    }

    @Test
    void anUnknownListingShowsTheProblemDetail() {
        load("#/listing/HXNOPE");

        browser.waitFor("!document.querySelector('[data-testid=error]').hidden", WAIT);

        assertThat(browser.text("[data-testid=error]")).contains("Listing not found", "no listing with ListingKey HXNOPE");
        assertThat(browser.evaluate("document.querySelector('[data-testid=inquiry-form]').offsetParent === null"))
                .isEqualTo("true");
    }
}
