package io.hexproperty.metrics;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A low-cardinality name for a SQL statement: its operation and first table ("SELECT listings",
 * "INSERT inquiries"), like OpenTelemetry's {@code db.query.summary}. The SQL text comes from code,
 * never from clients (values are bound parameters), and every name is at most one of a few
 * operations times the tables of the schema; past {@link #MAX_NAMES} distinct names, "other".
 */
final class StatementNames {
    static final int MAX_NAMES = 64;
    static final String OTHER = "other";
    private static final Set<String> OPERATIONS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "LISTEN",
            "UNLISTEN", "NOTIFY", "BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW", "EXPLAIN", "ANALYZE", "VACUUM",
            "CREATE", "DROP", "ALTER", "TRUNCATE", "COPY", "CALL", "REFRESH", "REINDEX", "SAVEPOINT", "RELEASE");
    private static final int MAX_CACHED_SQL = 4096;

    private final ConcurrentMap<String, String> bySql = new ConcurrentHashMap<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    String of(String sql) {
        if (sql == null) {
            return OTHER;
        }
        String name = bySql.get(sql);
        if (name != null) {
            return name;
        }
        name = summarize(sql);
        if (!names.contains(name)) {
            if (names.size() >= MAX_NAMES) {
                name = OTHER;
            } else {
                names.add(name);
            }
        }
        if (bySql.size() < MAX_CACHED_SQL) {
            bySql.put(sql, name);
        }
        return name;
    }

    static String summarize(String sql) {
        String[] words = sql.strip().split("[\\s(),;]+");
        if (words.length == 0 || words[0].isEmpty()) {
            return OTHER;
        }
        String op = words[0].toUpperCase(Locale.ROOT);
        if (!OPERATIONS.contains(op)) {
            return OTHER;
        }
        String marker = switch (op) {
            case "SELECT", "DELETE" -> "FROM";
            case "INSERT" -> "INTO";
            case "UPDATE", "TRUNCATE", "VACUUM", "ANALYZE", "COPY", "REFRESH" -> "";
            default -> null;
        };
        if (marker == null) {
            return op;
        }
        for (int i = 1; i < words.length; i++) {
            if (marker.isEmpty() || words[i - 1].equalsIgnoreCase(marker)) {
                String table = words[i].toLowerCase(Locale.ROOT);
                if (marker.isEmpty() && Set.of("only", "table", "materialized", "view", "verbose").contains(table)) {
                    continue;
                }
                return table.matches("[a-z_][a-z0-9_.]{0,62}") ? op + ' ' + table : op;
            }
        }
        return op;
    }
}
