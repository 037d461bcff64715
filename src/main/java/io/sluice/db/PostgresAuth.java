package io.sluice.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;

import org.jboss.logging.Logger;

/**
 * Password authentication of the embedded PostgreSQL: only SCRAM-SHA-256 logins over TCP on
 * 127.0.0.1, with a password generated once and kept in {@code <data-dir>/postgres.password}
 * (mode 0600, reused across restarts).
 *
 * <p>A data directory that has no password yet (a new one, one from a Sluice that trusted every
 * local user, or one whose password file was deleted) starts once with trust for user postgres on
 * 127.0.0.1 only, just long enough to set the password; pg_hba.conf is then replaced and reloaded
 * before anything else connects. Which state a directory is in is read from pg_hba.conf's first line.
 */
final class PostgresAuth {
    static final String USER = "postgres";
    static final String PASSWORD_FILE = "postgres.password";
    private static final Logger LOG = Logger.getLogger(PostgresAuth.class);
    private static final String PASSWORD_ONLY = "# Sluice: password (SCRAM-SHA-256) logins only";
    private static final String SETTING_PASSWORD = "# Sluice: setting the password";

    private final Path passwordFile;
    private final String password;
    private final boolean generated;
    private boolean settingPassword;

    private PostgresAuth(Path passwordFile, String password, boolean generated) {
        this.passwordFile = passwordFile;
        this.password = password;
        this.generated = generated;
    }

    /** The password of {@code <dataDir>/postgres.password}, generated there if missing. */
    static PostgresAuth of(Path dataDir) {
        Path file = dataDir.resolve(PASSWORD_FILE);
        try {
            if (Files.exists(file)) {
                DataDirPermissions.ownerOnly(file);
                return new PostgresAuth(file, Files.readString(file, StandardCharsets.UTF_8).strip(), false);
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            // URL-safe Base64: nothing to quote in SQL, in a connection URL or in a shell.
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path temp = Files.createTempFile(dataDir, PASSWORD_FILE, ".new",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, password + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("Generated the embedded PostgreSQL's password in %s", file);
            return new PostgresAuth(file, password, true);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read or write " + file, e);
        }
    }

    String password() {
        return password;
    }

    /** Before the server starts: pg_hba.conf for password logins, or for setting the password first. */
    void beforeStart(Path pgData) {
        Path hba = pgData.resolve("pg_hba.conf");
        try {
            String current = Files.exists(hba) ? Files.readString(hba, StandardCharsets.UTF_8) : "";
            // A new password (a new directory, or the file was deleted) must be set even in a password-only one.
            settingPassword = generated || !current.startsWith(PASSWORD_ONLY);
            Files.writeString(hba, settingPassword ? settingPasswordHba() : passwordOnlyHba(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + hba, e);
        }
    }

    /** After the server started: sets the password if {@link #beforeStart} had to open the door for it. */
    void afterStart(int port) {
        if (!settingPassword) {
            return;
        }
        Properties props = new Properties();
        props.setProperty("user", USER);
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
                Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Files.writeString(pgHba(c), passwordOnlyHba(), StandardCharsets.UTF_8);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot set the embedded PostgreSQL's password", e);
        }
        settingPassword = false;
        LOG.infof("The embedded PostgreSQL now requires the password in %s", passwordFile);
    }

    private static Path pgHba(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SHOW hba_file")) {
            rs.next();
            return Path.of(rs.getString(1));
        }
    }

    private static String passwordOnlyHba() {
        return PASSWORD_ONLY + " (written at each start by io.sluice.db.PostgresAuth; edits are lost)\n"
                + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
                + "host    all       all   127.0.0.1/32  scram-sha-256\n";
    }

    private static String settingPasswordHba() {
        return SETTING_PASSWORD + " (replaced by the password-only rules once it is set)\n"
                + "host    postgres  " + USER + "  127.0.0.1/32  trust\n";
    }
}
