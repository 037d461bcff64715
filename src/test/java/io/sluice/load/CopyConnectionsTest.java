package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.pipeline.program.PgType.Kind;
import io.sluice.support.TestDatabase;

/** {@link CopyConnections} under the test profile (no datasource configured: the embedded PostgreSQL). */
@QuarkusTest
class CopyConnectionsTest {
    @Inject
    CopyConnections connections;

    @Test
    void opensTheApplicationsDatabaseWithFixedSessionSettings() throws SQLException {
        try (Connection copy = connections.open(); Connection app = TestDatabase.connect()) {
            assertEquals(identity(app), identity(copy));
            assertFalse(copy.getAutoCommit());
            assertEquals("ISO, YMD UTC postgres", scalar(copy,
                    "SELECT current_setting('DateStyle') || ' ' || current_setting('TimeZone') || ' ' || current_setting('IntervalStyle')"));
            // the application's migrated schema is there
            assertEquals("1", scalar(copy, "SELECT count(*) FROM sluice.schema_migration WHERE version = 1"));
        }
    }

    @Test
    void aCopyOnItIsVisibleToTheApplicationOnlyAfterCommit() throws SQLException {
        TestDatabase.execute("DROP TABLE IF EXISTS public.copy_connections_test; CREATE TABLE public.copy_connections_test (id bigint)");
        try (Connection copy = connections.open()) {
            CopyLoad.append(copy, "public.copy_connections_test", List.of("\"id\""), List.of(Kind.BIGINT),
                    new Object[][] {{1L, 2L}}, 2);
            assertEquals(0, TestDatabase.count("SELECT count(*) FROM public.copy_connections_test"));
            copy.commit();
        }
        assertEquals(2, TestDatabase.count("SELECT count(*) FROM public.copy_connections_test"));
        TestDatabase.execute("DROP TABLE public.copy_connections_test");
    }

    private static String identity(Connection c) throws SQLException {
        return scalar(c, "SELECT current_database() || ' ' || current_user || ' ' || inet_server_port() || ' '"
                + " || (SELECT system_identifier FROM pg_control_system())");
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
