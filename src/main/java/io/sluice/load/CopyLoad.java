package io.sluice.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;


import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/**
 * Loads one batch with PostgreSQL's COPY protocol over a pgjdbc connection (BLOCKING: run threads
 * only), in binary wherever the columns allow ({@link CopyEncoder#forKinds}). Columns are {@link io.sluice.format.RowBatch}'s typed arrays, column-major: the target's
 * columns in order, then any extra columns (e.g. provenance) the caller appends; identifiers come
 * quoted ({@link io.sluice.pipeline.program.TableSpec#quote}) and no value is ever part of SQL text.
 * Nothing here commits: the caller's transaction holds the batch with whatever else belongs to it.
 */
public final class CopyLoad {
    /** A staging row's index in its batch, so that the last row of a key can win. */
    private static final String ORDINAL = "\"_sluice_staging_row\"";

    private CopyLoad() {
    }

    /**
     * An upsert batch: {@code loaded} rows written (inserted or updated: one per distinct key),
     * {@code skipped} earlier rows of a key repeated within the batch (the last one wins), and
     * {@code repeats} rows that replaced a row written since the given transaction (PostgreSQL 18+ only,
     * else 0; counted within {@code loaded}).
     */
    public record Result(long loaded, long skipped, long repeats) {
    }

    /** COPYs the first {@code size} rows of {@code columns} into {@code qualifiedTarget (columns)}; returns the rows copied. */
    public static long append(Connection c, String qualifiedTarget, List<String> quotedColumnNames, List<PgType.Kind> kinds,
            Object[][] columns, int size) throws SQLException {
        checkNames(quotedColumnNames, kinds);
        if (size == 0) {
            return 0;
        }
        return copy(c, CopyStream.statement(qualifiedTarget, quotedColumnNames), kinds, columns, size, false);
    }

    /**
     * Upserts the first {@code size} rows: COPY into a temporary staging table (one per connection and
     * target, created at its first use with the target's column types, emptied at commit and before each
     * batch: a DELETE, nearly free on the table a commit left empty), then one
     * {@code INSERT INTO target SELECT DISTINCT ON (key) ... ON CONFLICT (key) DO UPDATE} of every non-key
     * column (extra ones included). Duplicates are resolved by PostgreSQL's own equality (one instant in
     * two offsets is one timestamptz key), so the statement never touches a key twice; a batch whose keys
     * {@link KeyRepeats} proves distinct skips that sort and inserts from the staging table directly.
     *
     * @param repeatsSinceXid a transaction id (text, e.g. one taken at the run's start): also count rows that
     *        replaced a row written by a later transaction (the run's keys loaded twice); null not to count.
     *        Never counted before PostgreSQL 18 (no {@code RETURNING old}) nor for a table of key columns only
     *        (DO NOTHING returns no conflicting rows)
     */
    public static Result upsert(Connection c, String qualifiedTarget, List<String> quotedColumnNames, List<PgType.Kind> kinds,
            List<String> quotedKeyColumns, Object[][] columns, int size, String repeatsSinceXid) throws SQLException {
        checkNames(quotedColumnNames, kinds);
        if (quotedKeyColumns.isEmpty() || !quotedColumnNames.containsAll(quotedKeyColumns)) {
            throw new IllegalArgumentException("upsert needs key columns among the loaded ones, not " + quotedKeyColumns);
        }
        if (c.getAutoCommit()) {
            throw new IllegalStateException("upsert stages its batch in a transaction: turn autocommit off");
        }
        if (size == 0) {
            return new Result(0, 0, 0);
        }
        String names = String.join(", ", quotedColumnNames);
        String staging = "pg_temp." + stagingName(qualifiedTarget, quotedColumnNames);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + staging + " ON COMMIT DELETE ROWS AS SELECT " + names + ", 0::bigint AS "
                    + ORDINAL + " FROM " + qualifiedTarget + " WITH NO DATA; DELETE FROM " + staging);
        }
        boolean distinct = KeyRepeats.provablyNone(c, qualifiedTarget, quotedColumnNames, kinds, quotedKeyColumns, columns, size);
        copy(c, "COPY " + staging + " (" + names + (distinct ? "" : ", " + ORDINAL) + ") FROM STDIN", kinds, columns, size,
                !distinct);
        boolean countRepeats = repeatsSinceXid != null && c.getMetaData().getDatabaseMajorVersion() >= 18
                && quotedKeyColumns.size() < quotedColumnNames.size();
        if (distinct && !countRepeats) {
            try (Statement insert = c.createStatement()) {
                insert.executeUpdate(distinctUpsertSql(qualifiedTarget, staging, quotedColumnNames, quotedKeyColumns, false));
                return new Result(size, 0, 0);
            }
        }
        String sql = distinct ? distinctUpsertSql(qualifiedTarget, staging, quotedColumnNames, quotedKeyColumns, true)
                : upsertSql(qualifiedTarget, staging, quotedColumnNames, quotedKeyColumns, countRepeats);
        try (PreparedStatement insert = c.prepareStatement(sql)) {
            if (countRepeats) {
                insert.setString(1, repeatsSinceXid);
            }
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                if (distinct) {
                    return new Result(size, 0, rs.getLong(1));
                }
                long written = rs.getLong(1);
                return new Result(written, size - written, countRepeats ? rs.getLong(2) : 0);
            }
        }
    }

    /** One staging table per target and column list (a session may load several), named within PostgreSQL's 63 bytes. */
    static String stagingName(String target, List<String> names) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((target + "\0" + String.join("\0", names)).getBytes(StandardCharsets.UTF_8));
            return TableSpec.quote("_sluice_stage_" + HexFormat.of().formatHex(digest, 0, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String upsertSql(String target, String staging, List<String> names, List<String> keys, boolean countRepeats) {
        String columns = String.join(", ", names);
        String key = String.join(", ", keys);
        return "WITH batch AS (SELECT DISTINCT ON (" + key + ") " + columns + " FROM " + staging + " ORDER BY " + key + ", "
                + ORDINAL + " DESC), written AS (" + insertSql(target, "batch", names, keys) + " RETURNING "
                + returning(countRepeats) + ") SELECT (SELECT count(*) FROM batch), " + counted(countRepeats) + " FROM written";
    }

    /**
     * The upsert of a batch whose keys are known to be distinct: PostgreSQL need not sort it to find the
     * last row of each key, which took about a third of the statement's time (bench/load-csv.sh, upsert).
     * With {@code countRepeats}, a query of one column: the rows that replaced one a later transaction wrote.
     */
    static String distinctUpsertSql(String target, String staging, List<String> names, List<String> keys, boolean countRepeats) {
        String insert = insertSql(target, staging, names, keys);
        return countRepeats ? "WITH written AS (" + insert + " RETURNING " + returning(true) + ") SELECT " + counted(true)
                + " FROM written" : insert;
    }

    private static String insertSql(String target, String from, List<String> names, List<String> keys) {
        String columns = String.join(", ", names);
        List<String> updated = names.stream().filter(n -> !keys.contains(n)).toList();
        String action = updated.isEmpty() ? "DO NOTHING"
                : "DO UPDATE SET " + String.join(", ", updated.stream().map(n -> n + " = EXCLUDED." + n).toList());
        return "INSERT INTO " + target + " (" + columns + ") SELECT " + columns + " FROM " + from + " ON CONFLICT ("
                + String.join(", ", keys) + ") " + action;
    }

    private static String returning(boolean countRepeats) {
        return countRepeats ? "old.xmin AS x" : "1 AS x";
    }

    private static String counted(boolean countRepeats) {
        return countRepeats ? "count(*) FILTER (WHERE x IS NOT NULL AND age(x) < age(?::text::xid))" : "count(*)";
    }

    private static long copy(Connection c, String sql, List<PgType.Kind> kinds, Object[][] columns, int size,
            boolean withOrdinal) throws SQLException {
        CopyStream one = new CopyStream(c);
        one.copy(null, sql, kinds, columns, size, withOrdinal);
        return one.end();
    }

    static void checkNames(List<String> names, List<PgType.Kind> kinds) {
        if (names.isEmpty() || names.size() != kinds.size()) {
            throw new IllegalArgumentException(names.size() + " column names for " + kinds.size() + " kinds");
        }
    }
}
