package io.hexproperty.testing.browser;

import io.hexproperty.testing.lane.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresChromium
@Browser
class HeadlessChromiumTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PAGE = """
            <!doctype html><title>driver test</title>
            <form id="f"><label for="name">Name</label><input id="name" value="old">
            <select id="pick"><option value="a">A</option><option value="b">B</option></select>
            <button id="go" type="button">Go</button>
            <button id="hidden" type="button" style="display:none">Hidden</button></form>
            <div id="out"></div>
            <div id="cover" style="position:fixed;inset:auto 0 0 0;height:60px;z-index:10;background:#eee">cover</div>
            <button id="under" type="button" style="position:fixed;bottom:10px;left:10px">Under</button>
            <script>
              document.getElementById('go').addEventListener('click', (e) => {
                setTimeout(() => { document.getElementById('out').textContent =
                  'hello ' + document.getElementById('name').value + ' ' + document.getElementById('pick').value
                  + ' trusted=' + e.isTrusted; }, 150);
              });
            </script>""";

    private static HeadlessChromium browser;

    @BeforeAll
    static void launch() {
        browser = HeadlessChromium.launch();
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    private static void openFixture() {
        browser.open("data:text/html;charset=utf-8," + URLEncoder.encode(PAGE, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    @Test
    void typesSelectsClicksAndWaitsForTheResult() {
        openFixture();

        browser.type("#name", "Ada");
        browser.select("#pick", "b");
        browser.click("#go");
        browser.waitFor("document.getElementById('out').textContent.length > 0", WAIT);

        // trusted=true proves the click was a real input event, not element.click()
        assertThat(browser.text("#out")).isEqualTo("hello Ada b trusted=true");
        assertThat(browser.pageErrors()).isEmpty();
    }

    @Test
    void evaluateReturnsStringsAsIsAndOtherValuesAsJson() {
        openFixture();

        assertThat(browser.evaluate("document.title")).isEqualTo("driver test");
        assertThat(browser.evaluate("1 + 41")).isEqualTo("42");
        assertThat(browser.evaluate("({a: [1, 'x'], b: null})")).isEqualTo("{\"a\":[1,\"x\"],\"b\":null}");
        assertThat(browser.evaluate("Promise.resolve(true)")).isEqualTo("true");
        assertThat(browser.evaluate("undefined")).isNull();
        assertThatThrownBy(() -> browser.evaluate("null.x"))
                .isInstanceOf(BrowserException.class).hasMessageContaining("TypeError");
    }

    @Test
    void failuresNameTheElementAndThePage() {
        openFixture();

        assertThatThrownBy(() -> browser.click("#nope"))
                .isInstanceOf(BrowserException.class).hasMessageContaining("#nope").hasMessageContaining("missing");
        assertThatThrownBy(() -> browser.click("#hidden")).hasMessageContaining("invisible");
        assertThatThrownBy(() -> browser.click("#under")).hasMessageContaining("covered by <div#cover>");
        assertThatThrownBy(() -> browser.waitFor("document.title === 'never'", Duration.ofMillis(300)))
                .isInstanceOf(BrowserException.class)
                .hasMessageContaining("condition not true within PT0.3S")
                .hasMessageContaining("\"driver test\"");
    }

    @Test
    void waitForOutlivesANavigationOfThePage() {
        openFixture();

        browser.evaluate("setTimeout(() => { location.href = 'about:blank'; }, 100); 1");
        browser.waitFor("location.href === 'about:blank'", WAIT);

        assertThat(browser.url()).isEqualTo("about:blank");
    }

    @Test
    void collectsUncaughtPageErrors() {
        openFixture();

        browser.evaluate("setTimeout(() => { throw new Error('boom from page'); }, 0); 1");
        browser.waitFor("true", WAIT);
        browser.evaluate("new Promise(r => setTimeout(r, 50))");

        assertThat(browser.pageErrors()).anySatisfy(e -> assertThat(e).contains("boom from page"));
    }

    @Test
    void screenshotWritesAPng(@TempDir Path dir) throws Exception {
        openFixture();

        Path png = browser.screenshot(dir.resolve("shots/page.png"));

        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).hasSizeGreaterThan(1000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void closeKillsTheProcessAndDeletesTheProfile() {
        HeadlessChromium own = HeadlessChromium.launch();
        long pid = own.pid();
        Path profile = own.profileDirectory();
        assertThat(profile).isDirectory();

        own.close();
        own.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(profile).doesNotExist();
        assertThatThrownBy(() -> own.evaluate("1")).isInstanceOf(BrowserException.class).hasMessageContaining("closed");
    }
}
