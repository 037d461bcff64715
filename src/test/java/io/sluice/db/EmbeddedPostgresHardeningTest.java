package io.sluice.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL's defaults: password logins only, on 127.0.0.1 only, a password file of
 * mode 0600 reused across restarts, nothing in the data directory writable by others, a trust-auth
 * directory of an older Sluice upgraded, and no WARN lines on a restart. Each test runs its own
 * server in its own directory (not the one the application tests share).
 */
class EmbeddedPostgresHardeningTest {
    @TempDir
    Path dir;

    @Test
    void refusesLoginsWithoutThePasswordAndListensOnLoopbackOnly() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, false, 0);
        try {
            int port = pg.port();
            SQLException noPassword = assertThrows(SQLException.class, () -> connect(port, null).close());
            assertTrue(noPassword.getMessage().contains("password"), noPassword.getMessage());
            SQLException wrong = assertThrows(SQLException.class, () -> connect(port, "wrong").close());
            assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());

            try (Connection c = connect(port, pg.password()); Statement s = c.createStatement()) {
                assertEquals("127.0.0.1", single(s, "SHOW listen_addresses"));
                assertEquals("0", single(s, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256'"));
                assertTrue(single(s, "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'").startsWith("SCRAM-SHA-256$"));
            }
            for (InetAddress other : nonLoopbackAddresses()) {
                assertThrows(IOException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(other, port), 1000);
                    }
                }, "reachable on " + other);
            }
        } finally {
            pg.stop();
        }
    }

    @Test
    void keepsItsPasswordOwnerOnlyAndNothingWritableByOthers() throws Exception {
        EmbeddedPostgres first = EmbeddedPostgres.start(dir, false, 0);
        String password = first.password();
        first.stop();

        Path file = dir.resolve(PostgresAuth.PASSWORD_FILE);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
        assertEquals(password, Files.readString(file).strip());
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> writable = all.filter(p -> !Files.isSymbolicLink(p)).filter(p -> {
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                    return perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertEquals(List.of(), writable);
        }
        assertTrue(Files.isDirectory(dir.resolve("postgres-bin")));

        EmbeddedPostgres again = EmbeddedPostgres.start(dir, false, 0);
        try (Connection c = connect(again.port(), password)) {
            assertEquals(password, again.password(), "the password is reused across restarts");
        } finally {
            again.stop();
        }
    }

    @Test
    void upgradesATrustAuthDirectoryKeepingItsData() throws Exception {
        // What a Sluice without password auth left behind: zonky's defaults (initdb -A trust).
        Path pgData = dir.resolve("postgres");
        var old = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setDataDirectory(pgData)
                .setCleanDataDirectory(false).setOverrideWorkingDirectory(dir.resolve("postgres-bin").toFile())
                .setServerConfig("listen_addresses", "127.0.0.1").start();
        try (Connection c = connect(old.getPort(), null); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id INT); INSERT INTO kept VALUES (7)");
        }
        old.close();

        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, false, 0);
        try {
            assertThrows(SQLException.class, () -> connect(pg.port(), null).close());
            try (Connection c = connect(pg.port(), pg.password()); Statement s = c.createStatement()) {
                assertEquals("7", single(s, "SELECT id FROM kept"));
            }
        } finally {
            pg.stop();
        }
    }

    @Test
    void listensOnTheConfiguredPort() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, false, port);
        try {
            assertEquals(port, pg.port());
            connect(port, pg.password()).close();
        } finally {
            pg.stop();
        }
    }

    @Test
    void aRestartLogsNoWarning() {
        EmbeddedPostgres.start(dir, false, 0).stop();
        List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            EmbeddedPostgres.start(dir, false, 0).stop();
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), warnings.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (password != null) {
            props.setProperty("password", password);
        }
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            String value = rs.getString(1);
            assertFalse(rs.next());
            assertNotEquals(null, value, sql);
            return value;
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> result = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    result.add(a);
                }
            }
        }
        return result;
    }
}
