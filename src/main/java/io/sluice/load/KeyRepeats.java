package io.sluice.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.sluice.pipeline.program.PgType;

/**
 * Tells whether an upsert batch repeats no key, when Java can know it: only for key types whose Java
 * equality is PostgreSQL's. Numeric ({@code 1.0 = 1.00}), floating point ({@code -0 = 0}), timestamps
 * (one instant in two offsets; nanoseconds PostgreSQL rounds away) and char ({@code 'a' = 'a '}) are
 * equal in PostgreSQL where Java sees two values, and an {@code ON CONFLICT DO UPDATE} that meets a key
 * twice fails the batch; those batches keep PostgreSQL's own {@code DISTINCT ON}. Text compares as Java
 * does only under deterministic collations, which the target's unique indexes are asked for.
 */
final class KeyRepeats {
    private static final Set<PgType.Kind> JAVA_EQUAL = EnumSet.of(PgType.Kind.BIGINT, PgType.Kind.INTEGER,
            PgType.Kind.SMALLINT, PgType.Kind.BOOLEAN, PgType.Kind.DATE, PgType.Kind.UUID, PgType.Kind.TEXT,
            PgType.Kind.VARCHAR);
    private static final Set<PgType.Kind> COLLATED = EnumSet.of(PgType.Kind.TEXT, PgType.Kind.VARCHAR);

    private KeyRepeats() {
    }

    /** True when the first {@code size} rows' keys are known distinct (and not null); false when unknown or repeated. */
    static boolean provablyNone(Connection c, String qualifiedTarget, List<String> names, List<PgType.Kind> kinds,
            List<String> keys, Object[][] columns, int size) throws SQLException {
        int[] at = keys.stream().mapToInt(names::indexOf).toArray();
        if (Arrays.stream(at).anyMatch(i -> i < 0 || !JAVA_EQUAL.contains(kinds.get(i)))) {
            return false;
        }
        if (Arrays.stream(at).anyMatch(i -> COLLATED.contains(kinds.get(i))) && !deterministicUniqueIndexes(c, qualifiedTarget)) {
            return false;
        }
        return distinct(columns, at, size);
    }

    static boolean distinct(Object[][] columns, int[] keyColumns, int size) {
        Set<Object> seen = new HashSet<>(Math.max(16, (int) (size / 0.75f) + 1));
        for (int row = 0; row < size; row++) {
            Object key = keyColumns.length == 1 ? columns[keyColumns[0]][row] : compositeKey(columns, keyColumns, row);
            if (key == null || !seen.add(key)) {
                return false;
            }
        }
        return true;
    }

    /** Null when a part is null: unique indexes let null keys repeat, which DISTINCT ON folds as before. */
    private static List<Object> compositeKey(Object[][] columns, int[] keyColumns, int row) {
        Object[] parts = new Object[keyColumns.length];
        for (int k = 0; k < keyColumns.length; k++) {
            parts[k] = columns[keyColumns[k]][row];
            if (parts[k] == null) {
                return null;
            }
        }
        return List.of(parts);
    }

    /** Nondeterministic collations (PostgreSQL 12+) compare text by rules Java does not know. */
    private static boolean deterministicUniqueIndexes(Connection c, String qualifiedTarget) throws SQLException {
        if (c.getMetaData().getDatabaseMajorVersion() < 12) {
            return true;
        }
        try (PreparedStatement q = c.prepareStatement("""
                SELECT coalesce(bool_and(co.collisdeterministic), true)
                FROM pg_index i CROSS JOIN LATERAL unnest(i.indcollation::oid[]) AS u(coll)
                JOIN pg_collation co ON co.oid = u.coll
                WHERE i.indrelid = ?::regclass AND i.indisunique""")) {
            q.setString(1, qualifiedTarget);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
