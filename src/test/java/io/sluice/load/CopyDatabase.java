package io.sluice.load;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import io.sluice.db.EmbeddedPostgres;

/**
 * The test suite's embedded PostgreSQL without the application: the same server (and data directory)
 * the {@code @QuarkusTest}s use, reached through {@link CopyConnections}' own URL conversion.
 */
final class CopyDatabase {
    private CopyDatabase() {
    }

    static Connection open() throws SQLException {
        EmbeddedPostgres server = EmbeddedPostgres.startOnce(Path.of("target/sluice-test-data"), false);
        return CopyConnections.open(CopyConnections.target(server.reactiveUrl(), Optional.empty(), Optional.empty(),
                Optional.empty()));
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
