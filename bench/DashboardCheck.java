import io.hexproperty.testing.browser.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A new user's first minute, in headless Chromium: browse the home, a search and a listing of a running
 * {@code serve} (each page sends its RUM beacon when the browser leaves it), then open the dashboard on
 * the management port, wait for live points and screenshot it. Prints what the tiles and tables show.
 *
 * <pre>
 * ./mvnw -B -ntp -q -pl testing -am compile
 * java -cp "testing/target/classes:app/target/lib/*" bench/DashboardCheck.java \
 *     http://127.0.0.1:8080 http://127.0.0.1:8081 dashboard.png
 * </pre>
 */
public class DashboardCheck {
    static String fetch(String url) {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        String site = args[0];
        String management = args[1];
        Path png = Path.of(args.length > 2 ? args[2] : "dashboard.png");
        Duration wait = Duration.ofSeconds(30);
        try (HeadlessChromium browser = HeadlessChromium.launch(HeadlessChromium.Config.defaults().withViewport(1280, 1800))) {
            var first = new io.vertx.core.json.JsonObject(fetch(site + "/api/v1/listings?limit=1")).getJsonArray("items").getJsonObject(0);
            String key = first.getString("ListingKey");
            String city = first.getString("City");
            String state = first.getString("StateOrProvince");
            browser.open(site + "/");
            browser.waitFor("document.readyState === 'complete'", wait);
            browser.open("about:blank"); // pagehide: the home page sends its beacon
            browser.open(site + "/#/search?city=" + java.net.URLEncoder.encode(city, java.nio.charset.StandardCharsets.UTF_8)
                    + "&state=" + state);
            browser.waitFor("document.querySelectorAll('[data-testid=result-item]').length > 0", wait);
            browser.open("about:blank");
            browser.open(site + "/#/listing/" + key);
            browser.waitFor("!document.getElementById('listing-view').hidden", wait);
            browser.open("about:blank");
            System.out.println("browsed home, search (" + city + ", " + state + ") and listing " + key);

            browser.open(management + "/dashboard");
            browser.waitFor("window.hexDashboard && window.hexDashboard.points() >= 4", Duration.ofSeconds(60));
            for (String id : new String[] {"t-rate", "t-p99", "t-errors", "t-apdex", "t-cost", "t-pool"}) {
                System.out.println(id + ": " + browser.text("#" + id));
            }
            System.out.println("web vitals (p75):\n" + browser.text("#rum"));
            System.out.println(browser.text("#sessions"));
            System.out.println("cache hit ratio per tier (last point): " + browser.evaluate(
                    "JSON.stringify(window.hexDashboard.charts['c-cache'].names.map((n, i) => n + ' '"
                            + " + window.hexDashboard.charts['c-cache'].data[i + 1].filter(v => v != null).slice(-1)[0]))"));
            System.out.println(browser.text("#cost-detail"));
            System.out.println("page errors: " + browser.pageErrors());
            browser.screenshot(png);
            System.out.println("screenshot: " + png.toAbsolutePath());
        }
    }
}
