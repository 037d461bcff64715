package io.sluice.load;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Arranging and checking on a {@link CopyConnections} connection (autocommit off). The tests are
 * {@code @QuarkusTest}s: a plain test starting the embedded PostgreSQL itself would load
 * {@code io.sluice.db.EmbeddedPostgres} in another class loader than the application's and start a
 * second server on the suite's data directory.
 */
final class CopyDatabase {
    private CopyDatabase() {
    }

    /** Runs statements and commits them. */
    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        c.commit();
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
