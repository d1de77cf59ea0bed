package io.hexproperty.testing.browser;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, for browser tests of the web page.
 *
 * <p>Launches the system Chromium with a fresh profile and {@code --remote-debugging-port=0},
 * reads the DevTools WebSocket URL it prints on stderr, opens one page target in flat session
 * mode and drives it: navigation waits for the load event of that navigation, {@link #waitFor}
 * polls inside the page (a promise re-checking the condition on a timer) so a test never sleeps,
 * and clicks are real mouse events at the element's centre after a hit test, so a covered or
 * hidden element fails the way it would for a user. Uncaught page exceptions and
 * {@code console.error} calls are collected in {@link #pageErrors()}.
 *
 * <pre>{@code
 * @RequiresChromium            // skips with the reason when Chromium is missing (fails under CI=true)
 * class PageTest { ...
 * try (HeadlessChromium browser = HeadlessChromium.launch()) {
 *     browser.open("http://localhost:8080/");
 *     browser.type("#place", "Houston, TX");
 *     browser.click("[data-testid=search-submit]");
 *     browser.waitFor("document.querySelectorAll('[data-testid=result-item]').length > 0", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class HeadlessChromium implements AutoCloseable {
    /** System property naming the Chromium executable; default {@code /usr/bin/chromium}. */
    public static final String EXECUTABLE_PROPERTY = "hexproperty.chromium";

    private static final Pattern DEVTOOLS_LINE = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final int STDERR_TAIL_LINES = 40;
    private static final List<String> CONTEXT_GONE = List.of(
            "Execution context was destroyed", "Cannot find context with specified id",
            "Inspected target navigated or closed", "Cannot find default execution context");

    /**
     * Launch settings.
     *
     * @param executable     the Chromium binary
     * @param startTimeout   how long to wait for Chromium to print its DevTools URL
     * @param commandTimeout how long one DevTools command (and a page load) may take
     * @param width          viewport width in CSS pixels
     * @param height         viewport height in CSS pixels
     */
    public record Config(Path executable, Duration startTimeout, Duration commandTimeout, int width, int height) {
        public Config {
            Objects.requireNonNull(executable, "executable");
            positive("startTimeout", startTimeout);
            positive("commandTimeout", commandTimeout);
            if (width < 200 || width > 4000 || height < 200 || height > 4000) {
                throw new IllegalArgumentException("viewport must be 200..4000 px each way, got " + width + "x" + height);
            }
        }

        /** The system Chromium, 30 s to start, 30 s per command, a 1280x900 viewport. */
        public static Config defaults() {
            return new Config(defaultExecutable(), Duration.ofSeconds(30), Duration.ofSeconds(30), 1280, 900);
        }

        public Config withViewport(int newWidth, int newHeight) {
            return new Config(executable, startTimeout, commandTimeout, newWidth, newHeight);
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
        }
    }

    private final Config options;
    private final Process process;
    private final Path profile;
    private final Deque<String> stderrTail;
    private final CdpConnection cdp;
    private final String sessionId;
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HeadlessChromium(Config options, Process process, Path profile, Deque<String> stderrTail,
                             CdpConnection cdp, String sessionId, Thread shutdownHook) {
        this.options = options;
        this.process = process;
        this.profile = profile;
        this.stderrTail = stderrTail;
        this.cdp = cdp;
        this.sessionId = sessionId;
        this.shutdownHook = shutdownHook;
    }

    public static Path defaultExecutable() {
        return Path.of(System.getProperty(EXECUTABLE_PROPERTY, "/usr/bin/chromium"));
    }

    /** True when the Chromium executable exists; {@link RequiresChromium} uses it. */
    public static boolean isAvailable() {
        return Files.isExecutable(defaultExecutable());
    }

    /** Why {@link #isAvailable()} is false, for the assumption message. */
    public static String unavailableReason() {
        return "no executable Chromium at " + defaultExecutable() + " (install it with "
                + "`apt-get install -y chromium` or set -D" + EXECUTABLE_PROPERTY + "=/path/to/chromium)";
    }

    public static HeadlessChromium launch() {
        return launch(Config.defaults());
    }

    public static HeadlessChromium launch(Config options) {
        Objects.requireNonNull(options, "options");
        if (!Files.isExecutable(options.executable())) {
            throw new BrowserException("cannot launch: " + unavailableReason());
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("hexproperty-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Chromium profile directory", e);
        }
        List<String> command = List.of(options.executable().toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Timers of a page nobody looks at are throttled unless told otherwise; waitFor polls on timers.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--mute-audio", "--no-default-browser-check", "--password-store=basic",
                "--window-size=" + options.width() + "," + options.height(),
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            deleteTree(profile);
            throw new UncheckedIOException("cannot start " + options.executable(), e);
        }
        Thread hook = new Thread(() -> kill(process, profile), "chromium-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<URI> endpoint = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("chromium-stderr-" + process.pid())
                .start(() -> drainStderr(process, tail, endpoint));
        CdpConnection cdp = null;
        try {
            URI uri = endpoint.get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            cdp = CdpConnection.open(uri, options.commandTimeout());
            JsonObject target = cdp.call(null, "Target.createTarget", new JsonObject().put("url", "about:blank"),
                    options.commandTimeout());
            String session = cdp.call(null, "Target.attachToTarget", new JsonObject()
                    .put("targetId", target.getString("targetId")).put("flatten", true), options.commandTimeout())
                    .getString("sessionId");
            HeadlessChromium browser = new HeadlessChromium(options, process, profile, tail, cdp, session, hook);
            browser.start();
            return browser;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortLaunch(process, profile, hook, cdp);
            throw new BrowserException("interrupted while launching Chromium", e);
        } catch (ExecutionException | TimeoutException e) {
            abortLaunch(process, profile, hook, cdp);
            throw new BrowserException("Chromium did not print its DevTools URL within " + options.startTimeout()
                    + " (alive=" + process.isAlive() + "); stderr tail:\n" + snapshot(tail), e);
        } catch (RuntimeException e) {
            abortLaunch(process, profile, hook, cdp);
            throw new BrowserException("Chromium launch failed: " + e.getMessage() + "; stderr tail:\n"
                    + snapshot(tail), e);
        }
    }

    private void start() {
        cdp.addListener(this::collectPageErrors);
        call("Page.enable", new JsonObject());
        call("Runtime.enable", new JsonObject());
        call("Page.setLifecycleEventsEnabled", new JsonObject().put("enabled", true));
        call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", options.width())
                .put("height", options.height()).put("deviceScaleFactor", 1).put("mobile", false));
        call("Page.bringToFront", new JsonObject());
    }

    private void collectPageErrors(JsonObject event) {
        if (!sessionId.equals(event.getString("sessionId"))) {
            return;
        }
        JsonObject params = event.getJsonObject("params", new JsonObject());
        switch (event.getString("method", "")) {
            case "Runtime.exceptionThrown" -> {
                JsonObject details = params.getJsonObject("exceptionDetails", new JsonObject());
                JsonObject exception = details.getJsonObject("exception", new JsonObject());
                pageErrors.add("uncaught: " + exception.getString("description", details.getString("text", "?")));
            }
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.getString("type"))) {
                    StringBuilder text = new StringBuilder("console.error:");
                    params.getJsonArray("args").forEach(arg -> {
                        JsonObject a = (JsonObject) arg;
                        text.append(' ').append(a.containsKey("value") ? a.getValue("value") : a.getString("description"));
                    });
                    pageErrors.add(text.toString());
                }
            }
            default -> { }
        }
    }

    /**
     * Navigates to url and waits for that navigation's load event (a same-document navigation
     * returns at once). Clears {@link #pageErrors()}, which belong to the page.
     */
    public void open(String url) {
        Objects.requireNonNull(url, "url");
        BlockingQueue<JsonObject> lifecycle = new LinkedBlockingQueue<>();
        Consumer<JsonObject> listener = event -> {
            if (sessionId.equals(event.getString("sessionId")) && "Page.lifecycleEvent".equals(event.getString("method"))) {
                lifecycle.add(event.getJsonObject("params"));
            }
        };
        cdp.addListener(listener);
        pageErrors.clear();
        try {
            JsonObject nav = call("Page.navigate", new JsonObject().put("url", url));
            if (nav.getString("errorText") != null) {
                throw new BrowserException("navigation to " + url + " failed: " + nav.getString("errorText"));
            }
            String loaderId = nav.getString("loaderId");
            if (loaderId == null) {
                return;
            }
            long deadline = System.nanoTime() + options.commandTimeout().toNanos();
            while (true) {
                JsonObject event = lifecycle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new BrowserException(url + " did not fire its load event within " + options.commandTimeout());
                }
                if (loaderId.equals(event.getString("loaderId")) && "load".equals(event.getString("name"))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrowserException("interrupted while loading " + url, e);
        } finally {
            cdp.removeListener(listener);
        }
    }

    /**
     * Evaluates a JavaScript expression in the page (promises are awaited). A string result is
     * returned as is, any other value as JSON text ({@code 42}, {@code true}, {@code {"a":1}}),
     * {@code undefined} as null. A thrown error becomes a BrowserException with its description.
     */
    public String evaluate(String expression) {
        Objects.requireNonNull(expression, "expression");
        JsonObject reply = call("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true).put("userGesture", true));
        JsonObject exception = reply.getJsonObject("exceptionDetails");
        if (exception != null) {
            JsonObject thrown = exception.getJsonObject("exception", new JsonObject());
            throw new BrowserException("evaluate threw " + thrown.getString("description", exception.getString("text"))
                    + "\n  expression: " + abbreviate(expression, 300));
        }
        JsonObject result = reply.getJsonObject("result", new JsonObject());
        if (result.containsKey("unserializableValue")) {
            return result.getString("unserializableValue");
        }
        if ("undefined".equals(result.getString("type")) || !result.containsKey("value")) {
            return null;
        }
        Object value = result.getValue("value");
        return value instanceof String s ? s : Json.encode(value);
    }

    /**
     * Waits until a JavaScript boolean expression is truthy. The polling runs in the page on a
     * 20 ms timer, inside one awaited evaluation; a navigation in between is retried. On timeout
     * the exception states the page's URL, title, errors and the start of its text.
     */
    public void waitFor(String condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            String poll = "new Promise(resolve => { const until = Date.now() + " + remainingMs + ";"
                    + " const check = () => { let ok = false; try { ok = !!(" + condition + "); } catch (e) { ok = false; }"
                    + " if (ok) resolve(true); else if (Date.now() >= until) resolve(false); else setTimeout(check, 20); };"
                    + " check(); })";
            try {
                if ("true".equals(evaluateWithin(poll, Duration.ofMillis(remainingMs).plus(options.commandTimeout())))) {
                    return;
                }
            } catch (BrowserException e) {
                if (CONTEXT_GONE.stream().noneMatch(m -> String.valueOf(e.getMessage()).contains(m))) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new BrowserException("condition not true within " + timeout + ": " + condition + "\n" + describePage());
            }
        }
    }

    private String evaluateWithin(String expression, Duration timeout) {
        JsonObject reply = cdp.call(sessionId, "Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true), timeout);
        JsonObject exception = reply.getJsonObject("exceptionDetails");
        if (exception != null) {
            JsonObject thrown = exception.getJsonObject("exception", new JsonObject());
            throw new BrowserException("waitFor condition threw " + thrown.getString("description",
                    exception.getString("text")));
        }
        return String.valueOf(reply.getJsonObject("result", new JsonObject()).getValue("value"));
    }

    /** Clicks the centre of the first element matching a CSS selector with real mouse events. */
    public void click(String cssSelector) {
        String located = evaluate("(() => { const el = document.querySelector(" + Json.encode(cssSelector) + ");"
                + " if (!el) return 'missing';"
                + " el.scrollIntoView({block: 'center', inline: 'center'});"
                + " const r = el.getBoundingClientRect();"
                + " if (r.width === 0 || r.height === 0) return 'invisible';"
                + " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                + " const hit = document.elementFromPoint(x, y);"
                + " if (hit && hit !== el && !el.contains(hit)) return 'covered by <' + hit.tagName.toLowerCase()"
                + "   + (hit.id ? '#' + hit.id : '') + '>';"
                + " return JSON.stringify({x: x, y: y}); })()");
        if (located == null || !located.startsWith("{")) {
            throw new BrowserException("cannot click " + cssSelector + ": element " + located + "\n" + describePage());
        }
        JsonObject point = new JsonObject(located);
        double x = point.getDouble("x");
        double y = point.getDouble("y");
        mouse("mouseMoved", x, y, 0);
        mouse("mousePressed", x, y, 1);
        mouse("mouseReleased", x, y, 1);
    }

    private void mouse(String type, double x, double y, int clickCount) {
        JsonObject params = new JsonObject().put("type", type).put("x", x).put("y", y);
        if (clickCount > 0) {
            params.put("button", "left").put("buttons", 1).put("clickCount", clickCount);
        }
        call("Input.dispatchMouseEvent", params);
    }

    /** Focuses the matching field, clears it and types text into it (input events fire as for a user). */
    public void type(String cssSelector, String text) {
        Objects.requireNonNull(text, "text");
        String focused = evaluate("(() => { const el = document.querySelector(" + Json.encode(cssSelector) + ");"
                + " if (!el) return 'missing'; el.focus();"
                + " if (document.activeElement !== el) return 'not focusable';"
                + " if ('value' in el) { el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); }"
                + " return 'ok'; })()");
        if (!"ok".equals(focused)) {
            throw new BrowserException("cannot type into " + cssSelector + ": element " + focused + "\n" + describePage());
        }
        if (!text.isEmpty()) {
            call("Input.insertText", new JsonObject().put("text", text));
        }
    }

    /** Chooses the option with the given value in a select element and fires input and change. */
    public void select(String cssSelector, String value) {
        String chosen = evaluate("(() => { const el = document.querySelector(" + Json.encode(cssSelector) + ");"
                + " if (!el) return 'missing';"
                + " if (!Array.from(el.options || []).some(o => o.value === " + Json.encode(value) + ")) return 'without that option';"
                + " el.value = " + Json.encode(value) + ";"
                + " el.dispatchEvent(new Event('input', {bubbles: true}));"
                + " el.dispatchEvent(new Event('change', {bubbles: true})); return 'ok'; })()");
        if (!"ok".equals(chosen)) {
            throw new BrowserException("cannot select '" + value + "' in " + cssSelector + ": element " + chosen);
        }
    }

    /** The trimmed text of the first matching element, or null when nothing matches. */
    public String text(String cssSelector) {
        return evaluate("(() => { const el = document.querySelector(" + Json.encode(cssSelector) + ");"
                + " return el ? el.innerText.trim() : undefined; })()");
    }

    /** The page's current URL, including the hash. */
    public String url() {
        return evaluate("location.href");
    }

    /** Writes a PNG of the whole page (viewport width, full content height) and returns the path. */
    public Path screenshot(Path png) {
        JsonObject metrics = call("Page.getLayoutMetrics", new JsonObject());
        JsonObject content = metrics.getJsonObject("cssContentSize", metrics.getJsonObject("contentSize"));
        JsonObject viewport = metrics.getJsonObject("cssLayoutViewport", metrics.getJsonObject("layoutViewport"));
        double width = viewport.getDouble("clientWidth");
        double height = Math.min(Math.max(content.getDouble("height"), viewport.getDouble("clientHeight")), 16_000);
        JsonObject shot = call("Page.captureScreenshot", new JsonObject().put("format", "png")
                .put("captureBeyondViewport", true)
                .put("clip", new JsonObject().put("x", 0).put("y", 0).put("width", width).put("height", height)
                        .put("scale", 1)));
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(png, Base64.getDecoder().decode(shot.getString("data")));
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + png, e);
        }
    }

    /** Uncaught exceptions and console.error messages since the last {@link #open}, oldest first. */
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    long pid() {
        return process.pid();
    }

    Path profileDirectory() {
        return profile;
    }

    /** Closes the browser, kills its processes and deletes its profile directory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            cdp.call(null, "Browser.close", new JsonObject(), Duration.ofSeconds(2));
        } catch (BrowserException e) {
            // The socket closing under the reply is the normal way Browser.close ends; kill() below is the backstop.
        }
        cdp.close();
        kill(process, profile);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook is running or has run.
        }
    }

    private JsonObject call(String method, JsonObject params) {
        if (closed.get()) {
            throw new BrowserException(method + " on a closed browser");
        }
        return cdp.call(sessionId, method, params, options.commandTimeout());
    }

    private String describePage() {
        try {
            String state = evaluateWithin("JSON.stringify({url: location.href, title: document.title,"
                    + " text: (document.body ? document.body.innerText : '').replace(/\\s+/g, ' ').slice(0, 400)})",
                    Duration.ofSeconds(5));
            JsonObject page = new JsonObject(state);
            return "  page: " + page.getString("url") + " \"" + page.getString("title") + "\"\n  errors: " + pageErrors
                    + "\n  text: " + page.getString("text");
        } catch (RuntimeException e) {
            return "  page state unavailable: " + e.getMessage() + "\n  errors: " + pageErrors;
        }
    }

    private static void drainStderr(Process process, Deque<String> tail, CompletableFuture<URI> endpoint) {
        // Read to the end even after the URL is found: a full pipe would block Chromium.
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains("dbus/")) {
                    continue; // a container has no D-Bus; these lines would bury the useful ones
                }
                synchronized (tail) {
                    if (tail.size() == STDERR_TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                Matcher m = DEVTOOLS_LINE.matcher(line);
                if (m.find()) {
                    endpoint.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            // The stream closes when Chromium exits; what was read is in the tail.
        }
        endpoint.completeExceptionally(new IOException("Chromium closed stderr without a DevTools URL"));
    }

    private static String snapshot(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", new ArrayList<>(tail));
        }
    }

    private static void abortLaunch(Process process, Path profile, Thread hook, CdpConnection cdp) {
        if (cdp != null) {
            cdp.close();
        }
        kill(process, profile);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down.
        }
    }

    private static void kill(Process process, Path profile) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        deleteTree(profile);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a file still held open is left to the OS temp cleaner.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Best effort as above: the profile lives under the temp directory.
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
