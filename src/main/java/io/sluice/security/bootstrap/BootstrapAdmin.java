package io.sluice.security.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.sluice.SluiceConfig;
import io.sluice.security.AuthConfig;
import io.sluice.security.apikey.ApiKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Makes sure somebody can administer a fresh install, right after the schema migrations.
 *
 * <ul>
 * <li>{@code sluice.auth.bootstrap-key} set: an admin key named {@value #NAME} with exactly that
 * value exists (inserted, or re-keyed when the configured value changed). One upsert on the unique
 * name: replicas starting together all end with the same row.</li>
 * <li>Unset, and no admin key exists: a key is generated, written to
 * {@code <sluice.data-dir>/}{@value #FILE_NAME} (mode 0600, see {@link BootstrapKeyFile}) and stored,
 * guarded by "no admin key exists" and the unique name, so of replicas starting together exactly one
 * stores its key; the others delete their file. The log names the file, never the key. Replicas
 * that share no disk should configure the key instead.</li>
 * </ul>
 */
@Singleton
public class BootstrapAdmin {
    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);
    public static final String NAME = "bootstrap-admin";
    public static final String FILE_NAME = "bootstrap-admin.key";
    static final int MIN_CONFIGURED_LENGTH = 16;
    /** Longer bearer values are refused without a lookup ({@code ApiKeyAuthenticator}). */
    static final int MAX_CONFIGURED_LENGTH = 1024;
    private static final Duration DB_TIMEOUT = Duration.ofMinutes(2);

    @Inject
    Pool pool;

    @Inject
    AuthConfig auth;

    @Inject
    SluiceConfig sluice;

    @Inject
    InstantSource clock;

    void onStart(@Observes @Priority(10) StartupEvent event) {
        Optional<String> configured = auth.bootstrapKey();
        if (configured.isPresent()) {
            String key = checkConfigured(configured.get());
            String outcome = pool.withTransaction(conn -> ensureConfigured(conn, key)).await().atMost(DB_TIMEOUT);
            LOG.infof("Bootstrap admin key '%s' (sluice.auth.bootstrap-key): %s", NAME, outcome);
        } else {
            generateIfNoAdmin(sluice.dataDir().resolve(FILE_NAME)).ifPresent(file -> LOG.infof(
                    "No admin API key existed: generated admin key '%s' and wrote it to %s (readable by its "
                            + "owner only; it is shown nowhere else). Use it to create your own keys.",
                    NAME, file.toAbsolutePath().normalize()));
        }
    }

    /** The configured key if it is usable as a bearer token; else a startup error that does not echo it. */
    public static String checkConfigured(String key) {
        if (key.length() < MIN_CONFIGURED_LENGTH) {
            throw new IllegalStateException("sluice.auth.bootstrap-key must be at least " + MIN_CONFIGURED_LENGTH
                    + " characters long");
        }
        if (key.length() > MAX_CONFIGURED_LENGTH) {
            throw new IllegalStateException("sluice.auth.bootstrap-key must be at most " + MAX_CONFIGURED_LENGTH
                    + " characters long");
        }
        if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalStateException("sluice.auth.bootstrap-key must consist of visible ASCII characters "
                    + "(no spaces): it is sent in an HTTP header");
        }
        if (key.chars().filter(c -> c == '.').count() == 2) {
            throw new IllegalStateException("sluice.auth.bootstrap-key must not contain exactly two dots: such a "
                    + "bearer token is read as a JWT");
        }
        if (key.length() < 32) {
            LOG.warnf("sluice.auth.bootstrap-key is shorter than 32 characters; prefer a long random key");
        }
        return key;
    }

    /**
     * Inserts or re-keys the admin key {@value #NAME} so that it is exactly {@code key}.
     *
     * @return what happened: "created", "updated to the configured value" or "unchanged"
     */
    public Uni<String> ensureConfigured(SqlClient conn, String key) {
        return conn.preparedQuery("""
                INSERT INTO sluice.api_key (id, name, role, key_prefix, key_hash, created_at)
                VALUES ($1, $2, 'admin', $3, $4, $5)
                ON CONFLICT (name) DO UPDATE
                    SET role = 'admin', key_prefix = EXCLUDED.key_prefix, key_hash = EXCLUDED.key_hash
                    WHERE api_key.key_hash <> EXCLUDED.key_hash OR api_key.role <> 'admin'
                RETURNING (xmax = 0) AS inserted""")
                .execute(row(key))
                .map(rows -> rows.size() == 0 ? "unchanged"
                        : rows.iterator().next().getBoolean("inserted") ? "created" : "updated to the configured value");
    }

    /**
     * Stores {@code key} as admin key {@value #NAME} if no admin key exists.
     *
     * @return whether it was stored (false: an admin key exists, or another replica stored its own first)
     */
    public Uni<Boolean> insertIfNoAdmin(SqlClient conn, String key) {
        return conn.preparedQuery("""
                INSERT INTO sluice.api_key (id, name, role, key_prefix, key_hash, created_at)
                SELECT $1, $2, 'admin', $3, $4, $5
                WHERE NOT EXISTS (SELECT 1 FROM sluice.api_key WHERE role = 'admin')
                ON CONFLICT DO NOTHING
                RETURNING id""")
                .execute(row(key))
                .map(rows -> rows.size() == 1);
    }

    /**
     * Generates a key into {@code file} and stores it if no admin key exists. Blocking: startup only.
     *
     * @return the file, when a key was generated
     */
    Optional<Path> generateIfNoAdmin(Path file) {
        RowSet<Row> admins = pool.query("SELECT 1 FROM sluice.api_key WHERE role = 'admin' LIMIT 1").execute()
                .await().atMost(DB_TIMEOUT);
        if (admins.size() > 0) {
            return Optional.empty();
        }
        String key = ApiKeys.generate();
        Path staged;
        try {
            staged = BootstrapKeyFile.stage(file, key);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the bootstrap admin key to " + file
                    + " (set sluice.auth.bootstrap-key, or make sluice.data-dir writable)", e);
        }
        boolean stored;
        try {
            stored = pool.withTransaction(conn -> insertIfNoAdmin(conn, key)).await().atMost(DB_TIMEOUT);
        } catch (RuntimeException e) {
            BootstrapKeyFile.discard(staged);
            throw e;
        }
        if (!stored) {
            BootstrapKeyFile.discard(staged);
            return Optional.empty();
        }
        try {
            BootstrapKeyFile.publish(staged, file);
            return Optional.of(file);
        } catch (IOException e) {
            LOG.errorf("Generated admin key '%s' is stored, but could not be moved to %s (%s); it is in %s",
                    NAME, file, e.getMessage(), staged);
            return Optional.of(staged);
        }
    }

    private Tuple row(String key) {
        byte[] hash = ApiKeys.hash(key);
        return Tuple.of(UUID.randomUUID(), NAME, ApiKeys.lookupPrefix(key, hash), ApiKeys.hashHex(key),
                clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    }
}
