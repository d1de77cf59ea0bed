package io.hexproperty.database;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach PostgreSQL and how big a pool to keep.
 *
 * <table>
 * <tr><th>setting</th><th>default</th><th>why</th></tr>
 * <tr><td>url</td><td>(required)</td><td>{@code postgresql://user:password@host:5432/db?sslmode=require} or the
 * same as {@code jdbc:postgresql://...}; user and password may also be query parameters</td></tr>
 * <tr><td>user, password</td><td>from the URL, else postgres / empty</td><td>explicit values override the URL</td></tr>
 * <tr><td>poolSize</td><td>2 &times; cores + 1</td><td>PostgreSQL's own sizing rule (cores &times; 2 + spindles):
 * a backend is busy on CPU or waiting on I/O, and more connections than that only queue inside the server.
 * The reactive client pipelines queries on each connection, so it needs fewer than a blocking pool.</td></tr>
 * <tr><td>connectTimeout</td><td>5 s</td><td>TCP connect to the server</td></tr>
 * <tr><td>acquireTimeout</td><td>5 s</td><td>how long a query waits for a free pooled connection</td></tr>
 * <tr><td>maxWaitQueue</td><td>256</td><td>queries waiting for a connection beyond this fail at once
 * (load shedding) instead of queuing unbounded latency</td></tr>
 * <tr><td>statementTimeout</td><td>2 s</td><td>PostgreSQL's {@code statement_timeout} on every pooled
 * connection: a few slow searches cannot hold the pool; a cancelled statement (SQLSTATE 57014) is a
 * {@code StoreUnavailableException}, a 503 with Retry-After. Zero turns it off (maintenance tools).</td></tr>
 * </table>
 *
 * <p>An invalid URL fails in the constructor with an {@link IllegalArgumentException} whose message
 * is one line naming the problem, with any password masked.
 */
public record DatabaseConfig(String url, String user, String password, int poolSize, Duration connectTimeout,
                             Duration acquireTimeout, int maxWaitQueue, Duration statementTimeout) {

    public static final int DEFAULT_POOL_SIZE = 2 * Runtime.getRuntime().availableProcessors() + 1;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_WAIT_QUEUE = 256;
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_USER = "postgres";

    private static final Set<String> PARAMETERS = Set.of("user", "password", "sslmode");
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public DatabaseConfig {
        Objects.requireNonNull(url, "url");
        Target target = Target.parse(url);
        user = user != null ? user : target.user != null ? target.user : DEFAULT_USER;
        password = password != null ? password : target.password != null ? target.password : "";
        if (poolSize < 1 || poolSize > 1000) {
            throw new IllegalArgumentException("database pool size must be between 1 and 1000, not " + poolSize);
        }
        positive("database connect timeout", connectTimeout);
        positive("database acquire timeout", acquireTimeout);
        if (maxWaitQueue < 0) {
            throw new IllegalArgumentException("database pool wait-queue limit must be >= 0, not " + maxWaitQueue);
        }
        if (statementTimeout == null || statementTimeout.isNegative()) {
            throw new IllegalArgumentException("database statement timeout must be >= 0 (0 = none), not " + statementTimeout);
        }
    }

    /** The URL with every other setting at its default. */
    public static DatabaseConfig of(String url) {
        return new DatabaseConfig(url, null, null, DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_ACQUIRE_TIMEOUT,
                DEFAULT_MAX_WAIT_QUEUE, DEFAULT_STATEMENT_TIMEOUT);
    }

    public DatabaseConfig withCredentials(String newUser, String newPassword) {
        return new DatabaseConfig(url, newUser, newPassword, poolSize, connectTimeout, acquireTimeout, maxWaitQueue, statementTimeout);
    }

    public DatabaseConfig withPoolSize(int size) {
        return new DatabaseConfig(url, user, password, size, connectTimeout, acquireTimeout, maxWaitQueue, statementTimeout);
    }

    public DatabaseConfig withMaxWaitQueue(int limit) {
        return new DatabaseConfig(url, user, password, poolSize, connectTimeout, acquireTimeout, limit, statementTimeout);
    }

    public DatabaseConfig withTimeouts(Duration connect, Duration acquire) {
        return new DatabaseConfig(url, user, password, poolSize, connect, acquire, maxWaitQueue, statementTimeout);
    }

    /** With PostgreSQL's statement_timeout on every pooled connection set to {@code timeout} (zero: none). */
    public DatabaseConfig withStatementTimeout(Duration timeout) {
        return new DatabaseConfig(url, user, password, poolSize, connectTimeout, acquireTimeout, maxWaitQueue, timeout);
    }

    public String host() {
        return Target.parse(url).host;
    }

    public int port() {
        return Target.parse(url).port;
    }

    /** The database named in the URL, else (as in libpq) the user's name. */
    public String database() {
        String database = Target.parse(url).database;
        return database != null ? database : user;
    }

    /** {@code disable} unless the URL names an sslmode. */
    public String sslMode() {
        return Target.parse(url).sslMode;
    }

    /** The pgjdbc URL for Flyway and admin tools; credentials travel separately. */
    public String jdbcUrl() {
        Target t = Target.parse(url);
        String host = t.host.contains(":") ? "[" + t.host + "]" : t.host;
        String base = "jdbc:postgresql://" + host + ":" + t.port + "/" + database();
        return t.sslModeGiven ? base + "?sslmode=" + t.sslMode : base;
    }

    /** The URL with the password masked, for logs and error messages. */
    public String redactedUrl() {
        return redact(url);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + redactedUrl() + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + ", poolSize=" + poolSize + ", connectTimeout=" + connectTimeout + ", acquireTimeout=" + acquireTimeout
                + ", maxWaitQueue=" + maxWaitQueue + ", statementTimeout=" + statementTimeout + "]";
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }

    static String redact(String url) {
        return url.replaceAll("(://[^:/@?#]*:)[^@/?#]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** The parts of a connection URL. */
    private record Target(String host, int port, String database, String user, String password, String sslMode,
                          boolean sslModeGiven) {

        static Target parse(String url) {
            String text = url.strip();
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("jdbc:")) {
                text = text.substring(5);
                lower = lower.substring(5);
            }
            if (!lower.startsWith("postgresql://") && !lower.startsWith("postgres://")) {
                throw invalid(url, "must start with postgresql://, postgres:// or jdbc:postgresql://");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw invalid(url, "is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
            }
            String host = uri.getHost();
            if (host == null) {
                if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
                    throw invalid(url, "has an unusable host or port '" + redact(uri.getRawAuthority()) + "'");
                }
                host = "localhost";
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = uri.getPort() == -1 ? 5432 : uri.getPort();
            if (port < 1 || port > 65535) {
                throw invalid(url, "has port " + port + " outside 1..65535");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            String database = path.startsWith("/") ? path.substring(1) : path;
            if (database.contains("/")) {
                throw invalid(url, "names database '" + database + "', which contains '/'");
            }
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
                for (String pair : uri.getRawQuery().split("&")) {
                    String[] kv = pair.split("=", 2);
                    String key = decode(kv[0]);
                    if (!PARAMETERS.contains(key)) {
                        throw invalid(url, "has unsupported parameter '" + key + "' (supported: user, password, sslmode)");
                    }
                    params.put(key, kv.length > 1 ? decode(kv[1]) : "");
                }
            }
            if (params.containsKey("user")) {
                user = params.get("user");
            }
            if (params.containsKey("password")) {
                password = params.get("password");
            }
            String sslMode = params.getOrDefault("sslmode", "disable");
            if (!SSL_MODES.contains(sslMode)) {
                throw invalid(url, "has sslmode '" + sslMode + "'; use one of " + SSL_MODES);
            }
            return new Target(host, port, database.isEmpty() ? null : database, user == null || user.isEmpty() ? null : user, password, sslMode,
                    params.containsKey("sslmode"));
        }

        /** Percent-decoding only ('+' stays a plus); java.net.URI has already rejected malformed escapes. */
        private static String decode(String s) {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        private static IllegalArgumentException invalid(String url, String reason) {
            return new IllegalArgumentException("invalid database URL '" + redact(url) + "': " + reason
                    + "; expected postgresql://user:password@host:5432/database");
        }
    }
}
