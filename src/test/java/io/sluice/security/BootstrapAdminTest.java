package io.sluice.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.TestAuth;
import io.sluice.security.apikey.ApiKeys;
import io.sluice.security.bootstrap.BootstrapAdmin;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The bootstrap admin key against the real database; changes are made in transactions rolled back at the end. */
@QuarkusTest
class BootstrapAdminTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    BootstrapAdmin bootstrap;

    /** Runs {@code work} in a transaction that is always rolled back. */
    private <T> T inRolledBackTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(conn -> conn.begin()
                .chain(tx -> work.apply(conn).call(tx::rollback)))
                .await().atMost(TIMEOUT);
    }

    private static Uni<Row> bootstrapRow(SqlConnection conn) {
        return conn.preparedQuery("SELECT role, key_prefix, key_hash FROM sluice.api_key WHERE name = $1")
                .execute(Tuple.of(BootstrapAdmin.NAME)).map(rows -> rows.iterator().next());
    }

    @Test
    void theConfiguredKeyIsAnAdminKeyStoredAsAHash() {
        String key = TestAuth.adminKey();
        Row row = pool.withConnection(BootstrapAdminTest::bootstrapRow).await().atMost(TIMEOUT);
        assertEquals("admin", row.getString("role"));
        assertEquals(ApiKeys.hashHex(key), row.getString("key_hash"));
        assertEquals("sha256:" + ApiKeys.hashHex(key).substring(0, 16), row.getString("key_prefix"));
    }

    @Test
    void ensuringTheConfiguredKeyIsIdempotentAndFollowsAChangedValue() {
        assertEquals("unchanged", inRolledBackTransaction(conn -> bootstrap.ensureConfigured(conn, TestAuth.adminKey())));
        String rotated = ApiKeys.generate();
        Row row = inRolledBackTransaction(conn -> bootstrap.ensureConfigured(conn, rotated)
                .invoke(outcome -> assertEquals("updated to the configured value", outcome))
                .chain(() -> bootstrapRow(conn)));
        assertEquals(ApiKeys.hashHex(rotated), row.getString("key_hash"));
        assertEquals(ApiKeys.lookupPrefix(rotated), row.getString("key_prefix"));
    }

    @Test
    void aKeyIsGeneratedOnlyWhenNoAdminKeyExists() {
        boolean storedWhileAnAdminExists = inRolledBackTransaction(conn -> bootstrap.insertIfNoAdmin(conn, ApiKeys.generate()));
        assertFalse(storedWhileAnAdminExists);

        String generated = ApiKeys.generate();
        Row row = inRolledBackTransaction(conn -> conn.query("DELETE FROM sluice.api_key WHERE role = 'admin'").execute()
                .chain(() -> bootstrap.insertIfNoAdmin(conn, generated))
                .invoke(stored -> assertTrue(stored.booleanValue()))
                .chain(() -> bootstrap.insertIfNoAdmin(conn, ApiKeys.generate()))
                .invoke(again -> assertFalse(again.booleanValue(), "a second replica must not add another key"))
                .chain(() -> bootstrapRow(conn)));
        assertEquals("admin", row.getString("role"));
        assertEquals(ApiKeys.hashHex(generated), row.getString("key_hash"));

        // the rollback kept the configured key
        theConfiguredKeyIsAnAdminKeyStoredAsAHash();
    }

    @Test
    void unusableConfiguredKeysStopTheStartWithoutEchoingThem() {
        for (String bad : new String[] { "short-key", "has a space in it!!", "looks.like.a-jwt-token", "k".repeat(1025) }) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BootstrapAdmin.checkConfigured(bad));
            assertFalse(e.getMessage().contains(bad));
        }
        assertEquals("x".repeat(16), BootstrapAdmin.checkConfigured("x".repeat(16)));
    }
}
