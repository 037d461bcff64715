package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The reactive client's URL forms as pgjdbc targets: same server, database, credentials and SSL mode. */
class CopyConnectionsTargetTest {

    @Test
    void embeddedPostgresqlUrl() {
        var target = target("postgresql://127.0.0.1:54321/postgres?user=postgres");

        assertEquals("jdbc:postgresql://127.0.0.1:54321/postgres", target.url());
        assertEquals("postgres", target.properties().getProperty("user"));
        assertEquals("disable", target.properties().getProperty("sslmode"), "the reactive client's default SSL mode");
    }

    @Test
    void quarkusPrefixCredentialsInTheUrlAndSslOptionsKept() {
        var target = target("vertx-reactive:postgresql://sluice:p%40ss%3Aword@db.example:5433/ingest?sslmode=verify-full"
                + "&sslrootcert=/etc/ca.pem&application_name=loader&search_path=staging");

        assertEquals("jdbc:postgresql://db.example:5433/ingest", target.url());
        Properties p = target.properties();
        assertEquals("sluice", p.getProperty("user"));
        assertEquals("p@ss:word", p.getProperty("password"));
        assertEquals("verify-full", p.getProperty("sslmode"));
        assertEquals("/etc/ca.pem", p.getProperty("sslrootcert"));
        assertEquals("loader", p.getProperty("ApplicationName"));
        assertEquals("staging", p.getProperty("currentSchema"));
        assertFalse(target.toString().contains("word"), "the password stays out of the URL");
    }

    @Test
    void datasourceSettingsWinOverTheUrl() {
        var target = CopyConnections.target("postgres://u:old@[::1]/db?password=older&sslmode=prefer", Optional.of("admin"),
                Optional.of("new"), Optional.of("require"));

        assertEquals("jdbc:postgresql://[::1]/db", target.url());
        assertEquals("admin", target.properties().getProperty("user"));
        assertEquals("new", target.properties().getProperty("password"));
        assertEquals("require", target.properties().getProperty("sslmode"));
    }

    @Test
    void hostPortAndDatabaseAsParameters() {
        var target = target("postgresql:///?host=pg&port=6000&dbname=my%20db");

        assertEquals("jdbc:postgresql://pg:6000/my%20db", target.url());
    }

    @Test
    void otherSchemesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> target("mysql://localhost/db"));
        assertThrows(IllegalArgumentException.class, () -> target("jdbc:postgresql://localhost/db"));
    }

    private static CopyConnections.Target target(String url) {
        return CopyConnections.target(url, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
