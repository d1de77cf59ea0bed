package io.hexproperty.seed;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An index or constraint that a bulk load drops first and re-creates afterwards, because building
 * it once over all rows is much cheaper than maintaining it row by row: the secondary indexes of
 * listings (the search indexes of V2, read from pg_indexes so this stays in sync with the
 * migrations) and the foreign keys of listings and media to listing_keys (validated afterwards by one
 * join instead of one lookup per row). Primary keys stay: they guard the load itself against duplicates.
 *
 * @param name   schema-qualified, quoted name, for messages
 * @param drop   the statement that drops it
 * @param create the statement that re-creates it exactly as it was
 * @param cost   relative build cost, so the dearest builds start first when run in parallel
 * @param constraint true for constraints, which are re-added after all indexes (adding a foreign
 *               key locks listings against the index builds)
 */
record DeferredStructure(String name, String drop, String create, int cost, boolean constraint) {

    private static final String SECONDARY_INDEXES = """
            SELECT format('%I.%I', i.schemaname, i.indexname), i.indexdef
            FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = 'listings'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conrelid = 'listings'::regclass
                                AND c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
            ORDER BY i.indexname""";

    // Since V30 listings and media both reference listing_keys; the seeder fills that table with one
    // INSERT ... SELECT after the COPY (Seeder.REGISTER_KEYS), then these constraints validate it.
    // conparentid = 0 skips the copies PostgreSQL keeps on each partition.
    private static final String KEY_FOREIGN_KEYS = """
            SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = 'listing_keys'::regclass
              AND c.conrelid IN ('media'::regclass, 'listings'::regclass)
            ORDER BY c.conname""";

    /** What to drop before loading listings and media, dearest build first. */
    static List<DeferredStructure> read(Connection connection) throws SQLException {
        List<DeferredStructure> found = new ArrayList<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery(SECONDARY_INDEXES)) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String definition = rs.getString(2);
                    // pg_indexes shows an index of a partitioned table as "ON ONLY listings", which would
                    // create it on the parent alone (invalid, no partition built); without ONLY it cascades.
                    String create = definition.replace(" ON ONLY ", " ON ");
                    found.add(new DeferredStructure(name, "DROP INDEX " + name, create, indexCost(definition), false));
                }
            }
            try (ResultSet rs = st.executeQuery(KEY_FOREIGN_KEYS)) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    String name = rs.getString(2);
                    found.add(new DeferredStructure(table + "." + name,
                            "ALTER TABLE " + table + " DROP CONSTRAINT " + name,
                            "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + rs.getString(3), 0, true));
                }
            }
        }
        found.sort(Comparator.comparingInt(DeferredStructure::cost).reversed().thenComparing(DeferredStructure::name));
        return List.copyOf(found);
    }

    /** Inverted and geometric indexes cost several times a B-tree; wider B-trees cost more than narrow ones. */
    private static int indexCost(String definition) {
        String d = definition.toLowerCase(java.util.Locale.ROOT);
        if (d.contains("using gin")) {
            return 1_000;
        }
        if (d.contains("using gist")) {
            return 500;
        }
        return 100 + 10 * (int) d.chars().filter(c -> c == ',').count() + (d.contains("lower(") ? 20 : 0);
    }
}
