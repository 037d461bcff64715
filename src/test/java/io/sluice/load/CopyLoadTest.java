package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.pipeline.program.PgType.Kind;

/** {@link CopyLoad}'s append and upsert on a real PostgreSQL: counts, key semantics, repeats, failures. */
@QuarkusTest
class CopyLoadTest {
    @Inject
    CopyConnections connections;
    private static final String SCHEMA = "copy_load";
    private static final String TARGET = SCHEMA + ".t";
    /** A target's columns and the provenance columns the engine appends. */
    private static final List<String> NAMES = List.of("\"id\"", "\"name\"", "\"_sluice_file\"", "\"_sluice_row\"");
    private static final List<Kind> KINDS = List.of(Kind.BIGINT, Kind.TEXT, Kind.BIGINT, Kind.BIGINT);
    private static final List<String> KEY = List.of("\"id\"");

    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = connections.open();
        CopyDatabase.execute(c, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE; CREATE SCHEMA " + SCHEMA
                + "; CREATE TABLE " + TARGET + " (id bigint PRIMARY KEY, name text NOT NULL, _sluice_file bigint, _sluice_row bigint)");
    }

    @AfterEach
    void close() throws SQLException {
        c.rollback();
        c.close();
    }

    @Test
    void appendCopiesTheFirstSizeRowsWithTheirExtraColumns() throws SQLException {
        Object[][] batch = batch(7, new long[] {1, 2, 3, 99}, "a", "b", "c", "stale");

        assertEquals(3, CopyLoad.append(c, TARGET, NAMES, KINDS, batch, 3));
        c.commit();

        assertEquals(List.of("1 a 7 1", "2 b 7 2", "3 c 7 3"), rows());
        assertEquals(0, CopyLoad.append(c, TARGET, NAMES, KINDS, batch, 0));
    }

    @Test
    void aFailingCopyRaisesAndLeavesNothingAfterRollback() throws SQLException {
        CopyLoad.append(c, TARGET, NAMES, KINDS, batch(1, new long[] {1}, "kept"), 1);
        c.commit();

        // a constraint violation (key 1 exists) found by the server at the end of the COPY
        SQLException duplicate = assertThrows(SQLException.class,
                () -> CopyLoad.append(c, TARGET, NAMES, KINDS, batch(2, new long[] {5, 6, 1}, "x", "y", "z"), 3));
        c.rollback();
        assertEquals("23505", duplicate.getSQLState());
        // a NOT NULL violation in the middle of a batch large enough to span several chunks
        Object[][] large = largeBatch(100_000);
        ((String[]) large[1])[60_000] = null;
        SQLException notNull = assertThrows(SQLException.class, () -> CopyLoad.append(c, TARGET, NAMES, KINDS, large, 100_000));
        c.rollback();
        assertEquals("23502", notNull.getSQLState());

        assertEquals(List.of("1 kept 1 1"), rows());
        // the connection is still usable
        assertEquals(1, CopyLoad.append(c, TARGET, NAMES, KINDS, batch(3, new long[] {2}, "next"), 1));
    }

    @Test
    void upsertInsertsAndUpdatesEveryNonKeyColumnAndTheLastRowOfARepeatedKeyWins() throws SQLException {
        CopyLoad.append(c, TARGET, NAMES, KINDS, batch(1, new long[] {1, 2}, "one", "two"), 2);
        c.commit();

        CopyLoad.Result result = CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY,
                batch(2, new long[] {2, 3, 2, 4, 3}, "two-a", "three-a", "two-b", "four", "three-b"), 5, null);
        c.commit();

        assertEquals(new CopyLoad.Result(3, 2, 0), result);
        // row 2 and 3 of file 2 were the last of their keys: provenance follows the row that won
        assertEquals(List.of("1 one 1 1", "2 two-b 2 3", "3 three-b 2 5", "4 four 2 4"), rows());
    }

    @Test
    void oneInstantInTwoOffsetsIsOneKeyAsForPostgresql() throws SQLException {
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".e (at timestamptz PRIMARY KEY, v text)");
        OffsetDateTime noon = OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC);
        Object[][] batch = {new OffsetDateTime[] {noon, noon.withOffsetSameInstant(ZoneOffset.ofHours(2))}, new String[] {"utc", "+02"}};

        CopyLoad.Result result = CopyLoad.upsert(c, SCHEMA + ".e", List.of("\"at\"", "\"v\""),
                List.of(Kind.TIMESTAMPTZ, Kind.TEXT), List.of("\"at\""), batch, 2, null);
        c.commit();

        assertEquals(new CopyLoad.Result(1, 1, 0), result);
        assertEquals(1, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".e WHERE v = '+02'"));
    }

    @Test
    void aLargeBatchOfDistinctKeysInsertsNewKeysAndUpdatesKnownOnesExactly() throws SQLException {
        CopyLoad.append(c, TARGET, NAMES, KINDS, largeBatch(100_000), 100_000);
        c.commit();
        String runStart = runStartXid();
        // keys 51,000 to 150,999: half known, half new, no key twice
        long[] ids = new long[100_000];
        String[] names = new String[100_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 51_000 + i;
            names[i] = "new " + ids[i];
        }
        Object[][] batch = batch(10, ids, names);

        CopyLoad.Result first = CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch, ids.length, runStart);
        c.commit();
        CopyLoad.Result again = CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch, ids.length, runStart);
        c.commit();

        assertEquals(new CopyLoad.Result(100_000, 0, 0), first);
        // the second time, every key is one the run wrote
        assertEquals(new CopyLoad.Result(100_000, 0, 100_000), again);
        assertEquals(150_000, CopyDatabase.count(c, "SELECT count(*) FROM " + TARGET));
        assertEquals(150_000, CopyDatabase.count(c, "SELECT count(DISTINCT id) FROM " + TARGET));
        assertEquals(100_000, CopyDatabase.count(c, "SELECT count(*) FROM " + TARGET + " WHERE name = 'new ' || id AND _sluice_file = 10"));
        assertEquals(50_000, CopyDatabase.count(c, "SELECT count(*) FROM " + TARGET + " WHERE name = 'name ' || (id - 1000)"));
    }

    @Test
    void numericKeysJavaSeesAsTwoButPostgresqlAsOneAreOneKey() throws SQLException {
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".n (amount numeric PRIMARY KEY, v text)");
        Object[][] batch = {new java.math.BigDecimal[] {new java.math.BigDecimal("1.0"), new java.math.BigDecimal("1.00"),
                new java.math.BigDecimal("2")}, new String[] {"first", "last", "two"}};

        CopyLoad.Result result = CopyLoad.upsert(c, SCHEMA + ".n", List.of("\"amount\"", "\"v\""), List.of(Kind.NUMERIC, Kind.TEXT),
                List.of("\"amount\""), batch, 3, runStartXid());
        c.commit();

        assertEquals(new CopyLoad.Result(2, 1, 0), result);
        assertEquals(2, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".n"));
        assertEquals(1, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".n WHERE amount = 1 AND v = 'last'"));
    }

    @Test
    void textKeysUnderACaseInsensitiveCollationAreFoldedByPostgresql() throws SQLException {
        CopyDatabase.execute(c, "CREATE COLLATION " + SCHEMA + ".ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
                + " CREATE TABLE " + SCHEMA + ".c (email text COLLATE " + SCHEMA + ".ci PRIMARY KEY, v text)");
        Object[][] batch = {new String[] {"Ann@example.com", "ann@example.com", "bob@example.com"}, new String[] {"1", "2", "3"}};

        CopyLoad.Result result = CopyLoad.upsert(c, SCHEMA + ".c", List.of("\"email\"", "\"v\""), List.of(Kind.TEXT, Kind.TEXT),
                List.of("\"email\""), batch, 3, null);
        c.commit();

        assertEquals(new CopyLoad.Result(2, 1, 0), result);
        assertEquals(2, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".c"));
        assertEquals(1, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".c WHERE v = '2'"));
    }

    @Test
    void upsertsInOneTransactionDoNotSeeEachOthersStagedRows() throws SQLException {
        assertEquals(new CopyLoad.Result(2, 0, 0),
                CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch(1, new long[] {1, 2}, "a", "b"), 2, null));
        assertEquals(new CopyLoad.Result(1, 0, 0),
                CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch(2, new long[] {3}, "c"), 1, null));
        c.commit();
        // after the commit the staging table is empty and still there
        assertEquals(new CopyLoad.Result(1, 0, 0),
                CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch(3, new long[] {1}, "a2"), 1, null));
        c.commit();

        assertEquals(List.of("1 a2 3 1", "2 b 1 2", "3 c 2 1"), rows());
    }

    @Test
    void upsertCountsRowsReplacingARowWrittenSinceTheRunStarted() throws SQLException {
        CopyLoad.append(c, TARGET, NAMES, KINDS, batch(1, new long[] {1, 2, 3}, "a", "b", "c"), 3);
        c.commit();
        String runStart = runStartXid();

        CopyLoad.Result first = CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch(2, new long[] {2, 3, 4}, "b", "c", "d"), 3,
                runStart);
        c.commit();
        CopyLoad.Result second = CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY,
                batch(3, new long[] {3, 4, 5, 5}, "c", "d", "e", "e2"), 4, runStart);
        c.commit();

        assertTrue(c.getMetaData().getDatabaseMajorVersion() >= 18, "the test suite's PostgreSQL is 18");
        // keys 2 and 3 were written before the run: replaced, not repeated
        assertEquals(new CopyLoad.Result(3, 0, 0), first);
        // keys 3 and 4 were written by the run's first batch
        assertEquals(new CopyLoad.Result(3, 1, 2), second);
        assertEquals(5, CopyDatabase.count(c, "SELECT count(*) FROM " + TARGET));
    }

    @Test
    void aTableOfKeyColumnsOnlyKeepsItsRows() throws SQLException {
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".k (a bigint, b text, PRIMARY KEY (a, b))");
        List<String> names = List.of("\"a\"", "\"b\"");
        Object[][] batch = {new Long[] {1L, 1L, 2L, 1L}, new String[] {"x", "y", "x", "x"}};

        CopyLoad.Result result = CopyLoad.upsert(c, SCHEMA + ".k", names, List.of(Kind.BIGINT, Kind.TEXT), names, batch, 4,
                runStartXid());
        c.commit();
        CopyLoad.Result again = CopyLoad.upsert(c, SCHEMA + ".k", names, List.of(Kind.BIGINT, Kind.TEXT), names, batch, 4, null);
        c.commit();

        assertEquals(new CopyLoad.Result(3, 1, 0), result);
        assertEquals(new CopyLoad.Result(3, 1, 0), again);
        assertEquals(3, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".k"));
    }

    @Test
    void aFailingUpsertLeavesNothingAfterRollback() throws SQLException {
        CopyLoad.append(c, TARGET, NAMES, KINDS, batch(1, new long[] {1}, "kept"), 1);
        c.commit();
        Object[][] batch = batch(2, new long[] {1, 2}, "changed", null);

        SQLException notNull = assertThrows(SQLException.class, () -> CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch, 2, null));
        c.rollback();

        assertEquals("23502", notNull.getSQLState());
        assertEquals(List.of("1 kept 1 1"), rows());
        assertEquals(new CopyLoad.Result(1, 0, 0),
                CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch(3, new long[] {1}, "changed"), 1, null));
    }

    @Test
    void upsertRefusesAutocommitAndKeysOutsideTheColumns() throws SQLException {
        Object[][] batch = batch(1, new long[] {1}, "a");
        assertThrows(IllegalArgumentException.class, () -> CopyLoad.upsert(c, TARGET, NAMES, KINDS, List.of("\"nope\""), batch, 1, null));
        c.setAutoCommit(true);
        assertThrows(IllegalStateException.class, () -> CopyLoad.upsert(c, TARGET, NAMES, KINDS, KEY, batch, 1, null));
        c.setAutoCommit(false);
    }

    /** What {@code RunExecutor} takes as a run's start: the id of a transaction committed before its first batch. */
    private String runStartXid() throws SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_xact_id()::xid::text")) {
            rs.next();
            String xid = rs.getString(1);
            c.commit();
            return xid;
        }
    }

    /** Rows of file {@code file}: ids and names, with provenance (the file and the 1-based row in it). */
    private static Object[][] batch(long file, long[] ids, String... names) {
        int n = ids.length;
        Long[] id = new Long[n];
        Long[] files = new Long[n];
        Long[] rowNumbers = new Long[n];
        for (int i = 0; i < n; i++) {
            id[i] = ids[i];
            files[i] = file;
            rowNumbers[i] = (long) i + 1;
        }
        return new Object[][] {id, names.clone(), files, rowNumbers};
    }

    private static Object[][] largeBatch(int n) {
        long[] ids = new long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1_000 + i;
            names[i] = "name " + i;
        }
        Object[][] batch = batch(9, ids, names);
        return batch;
    }

    private List<String> rows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (var s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name, _sluice_file, _sluice_row FROM " + TARGET + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getLong(4));
            }
        }
        return rows;
    }
}
