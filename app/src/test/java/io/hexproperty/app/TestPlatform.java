package io.hexproperty.app;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real platform per test JVM: embedded PostgreSQL in a temporary directory, seeded with a few
 * thousand generated listings, serving on a free loopback port. Stopped by a shutdown hook.
 */
final class TestPlatform {
    static final int LISTINGS = 3000;
    private static TestPlatform instance;

    final Platform platform;
    final Path dataDir;
    final String baseUrl;
    /** The management port: /metrics, /admin/*, /dashboard. */
    final String managementUrl;
    /** The demo agent's token: a plain agent, owner only of what it creates. */
    final String demoToken;
    /** A broker's token: may change every listing, the seeded (MLS feed) ones too. */
    final String brokerToken;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestPlatform(Platform platform, Path dataDir, String demoToken) {
        this.platform = platform;
        this.dataDir = dataDir;
        this.baseUrl = "http://127.0.0.1:" + platform.port();
        this.managementUrl = "http://127.0.0.1:" + platform.managementPort();
        this.demoToken = demoToken;
        this.brokerToken = TestAgents.broker(platform);
    }

    static synchronized TestPlatform get() {
        if (instance == null) {
            try {
                // The embedded server runs as 'nobody' when tests run as root: TempDirs lets it reach the directory.
                Path root = io.hexproperty.testing.TempDirs.create("hexproperty-it");
                Path dataDir = root.resolve("pg");
                ServeConfig config = new ServeConfig("127.0.0.1", 0, dataDir, null, "postgres", "postgres",
                        LISTINGS, 7, true, 2, 8, Duration.ofSeconds(2), root.resolve("demo-agent-token"), true, null);
                // One platform serves every test class of the JVM (and the load-test smoke run): the inquiry
                // limits are raised so that their inquiries do not share one client's hourly budget;
                // WriteHardeningTest checks the defaults on a node of its own.
                var relaxed = new io.hexproperty.http.InquiryLimiter.Rate(10_000, Duration.ofHours(1));
                Platform platform = new Platform(config, new PrintStream(System.out, true)).input(InputConfig.defaults()
                        .withInquiries(new io.hexproperty.http.InquiryLimiter.Config(relaxed, relaxed))).start();
                io.hexproperty.testing.TempDirs.deleteAtExit(root, platform::close);
                instance = new TestPlatform(platform, dataDir, Files.readString(config.demoTokenFile()).strip());
            } catch (Exception e) {
                throw new IllegalStateException("test platform did not start", e);
            }
        }
        return instance;
    }

    /**
     * Another node (its own caches, change feed and HTTP port) on this platform's database, with
     * {@code reads} decorating what its caches load from.
     */
    Platform startNode(java.util.function.UnaryOperator<io.hexproperty.domain.port.in.ListingQueries> reads) {
        return startNode(reads, java.util.function.UnaryOperator.identity());
    }

    /** A node whose configuration {@code configure} adjusts (cache options, ...). */
    Platform startNode(java.util.function.UnaryOperator<io.hexproperty.domain.port.in.ListingQueries> reads,
                       java.util.function.UnaryOperator<ServeConfig> configure) {
        return startNode(reads, configure, platform.serverKeyFile());
    }

    /** A node signing with the server key in {@code serverKeyFile} (another deployment's when it differs). */
    Platform startNode(java.util.function.UnaryOperator<io.hexproperty.domain.port.in.ListingQueries> reads,
                       java.util.function.UnaryOperator<ServeConfig> configure, Path serverKeyFile) {
        try {
            Path root = io.hexproperty.testing.TempDirs.create("hexproperty-node");
            ServeConfig config = configure.apply(new ServeConfig("127.0.0.1", 0, root.resolve("pg"), platform.database().config().url(),
                    "postgres", "", 0, 7, false, 2, 8, Duration.ofSeconds(2), root.resolve("token"), true, null));
            Platform node = new Platform(config, new PrintStream(System.out, true), reads)
                    .security(SecurityConfig.defaults().withServerKeyFile(serverKeyFile)); // one deployment, one key
            try {
                node.start();
            } catch (Exception e) {
                node.close();
                throw e;
            }
            io.hexproperty.testing.TempDirs.deleteAtExit(root, node::close);
            return node;
        } catch (Exception e) {
            throw new IllegalStateException("second node did not start", e);
        }
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), headers);
    }

    /** GET on the management port. */
    HttpResponse<String> management(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(managementUrl + path)).GET(), headers);
    }

    /** A request with a body on the management port. */
    HttpResponse<String> sendManagement(String method, String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(managementUrl + path)).method(method,
                HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).method(method, publisher), headers);
    }

    HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A node of its own in {@code root} (embedded primary, 300 listings) with one streaming replica configured by
     * {@code replication}, returned once every replica is up and has been polled for its lag.
     */
    static Platform startReplicated(Path root, Replication.Config replication) throws Exception {
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        ServeConfig config = new ServeConfig("127.0.0.1", 0, root.resolve("pg"), null, "postgres", "postgres", 300, 7, true,
                2, 8, Duration.ofSeconds(2), root.resolve("demo-agent-token"), true, null, ServeConfig.CacheConfig.defaults(), 1,
                replication);
        Platform platform = new Platform(config, new PrintStream(System.out, true)).start();
        try {
            var set = platform.replication().replicaSet();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> set.nodes().stream().allMatch(n -> n.up() && n.polled()));
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }
}
