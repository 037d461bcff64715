package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.pipeline.program.PgType.Kind;

/** {@link CopyStream}: one COPY across batches, ended by another target, failures at its end, abandoning it. */
@QuarkusTest
class CopyStreamTest {
    private static final String SCHEMA = "copy_stream";
    private static final String A = SCHEMA + ".a";
    private static final String B = SCHEMA + ".b";
    private static final List<String> NAMES = List.of("\"id\"", "\"name\"");
    private static final List<Kind> KINDS = List.of(Kind.BIGINT, Kind.TEXT);

    @Inject
    CopyConnections connections;
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = connections.open();
        CopyDatabase.execute(c, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE; CREATE SCHEMA " + SCHEMA + "; CREATE TABLE " + A
                + " (id bigint PRIMARY KEY, name text NOT NULL); CREATE TABLE " + B + " (id bigint PRIMARY KEY, name text)");
    }

    @AfterEach
    void close() throws SQLException {
        c.rollback();
        c.close();
    }

    @Test
    void batchesForOneTargetGoIntoOneCopyUntilAnotherTargetEndsIt() throws SQLException {
        CopyStream stream = new CopyStream(c);

        stream.append("a.csv", A, NAMES, KINDS, rows(1, 20_000), 20_000);
        assertTrue(stream.open());
        stream.append("a.csv", A, NAMES, KINDS, rows(20_001, 30_000), 30_000);
        assertEquals(50_000, stream.end()); // both batches were one COPY
        assertFalse(stream.open());
        stream.append("b.csv", B, NAMES, KINDS, rows(1, 3), 3);
        stream.append("a.csv", A, NAMES, KINDS, rows(50_001, 7), 7); // ends B's COPY, starts one of its own
        assertEquals(7, stream.end());
        assertEquals(0, stream.end()); // nothing open
        c.commit();

        assertEquals(50_007, CopyDatabase.count(c, "SELECT count(*) FROM " + A));
        assertEquals(50_007, CopyDatabase.count(c, "SELECT count(DISTINCT id) FROM " + A));
        assertEquals(50_007, CopyDatabase.count(c, "SELECT count(*) FROM " + A + " WHERE name = 'row ' || id"));
        assertEquals(3, CopyDatabase.count(c, "SELECT count(DISTINCT id) FROM " + B));
    }

    @Test
    void aConstraintTheRowsBreakFailsTheCopyAndTheTransactionRollsBackWhole() throws SQLException {
        CopyStream stream = new CopyStream(c);
        stream.append("first.csv", A, NAMES, KINDS, rows(1, 1_000), 1_000);
        SQLException duplicate = assertThrows(SQLException.class, () -> {
            stream.append("second.csv", A, NAMES, KINDS, rows(1_000, 10), 10); // key 1,000 twice
            stream.append("third.csv", A, NAMES, KINDS, rows(5_000, 10), 10);
            stream.end();
        });
        c.rollback();

        assertEquals("23505", duplicate.getSQLState());
        // found at the end of the COPY, and named by the batch it was in
        assertTrue(duplicate.getMessage().startsWith("Loading second.csv: "), duplicate.getMessage());
        assertFalse(stream.open());
        assertEquals(0, CopyDatabase.count(c, "SELECT count(*) FROM " + A));
        // the connection and the stream are usable again
        stream.append("a.csv", A, NAMES, KINDS, rows(5, 2), 2);
        assertEquals(2, stream.end());
        c.commit();
        assertEquals(2, CopyDatabase.count(c, "SELECT count(DISTINCT id) FROM " + A));
    }

    @Test
    void anAbandonedCopyLeavesNothingAndTheConnectionRollsBack() throws SQLException {
        CopyStream stream = new CopyStream(c);
        stream.append("a.csv", A, NAMES, KINDS, rows(1, 5_000), 5_000);

        stream.abandon();
        assertFalse(stream.open());
        c.rollback();

        assertEquals(0, CopyDatabase.count(c, "SELECT count(*) FROM " + A));
        stream.abandon(); // nothing open: nothing to do
    }

    /** {@code n} rows from key {@code first}, named "row <id>". */
    private static Object[][] rows(long first, int n) {
        Long[] ids = new Long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = first + i;
            names[i] = "row " + ids[i];
        }
        return new Object[][] {ids, names};
    }
}
