package io.sluice.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Applies the versioned SQL files listed in {@code db/migration/migrations.txt}, in order, each
 * once, before anything else touches the database. Replicas starting together serialize on an
 * advisory lock; a file changed after it was applied stops the start-up (its checksum differs).
 */
@Singleton
public class SchemaMigrator {
    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    private static final String INDEX = "db/migration/migrations.txt";
    private static final long LOCK_KEY = 0x5_1_1_1CEL;

    @Inject
    Pool pool;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        List<Migration> migrations = load();
        int applied = pool.withTransaction(conn -> migrate(conn, migrations)).await().indefinitely();
        LOG.infof("Schema up to date: %d migration(s) known, %d applied now", migrations.size(), applied);
    }

    private Uni<Integer> migrate(SqlConnection conn, List<Migration> migrations) {
        return conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute()
                .chain(() -> conn.query("CREATE SCHEMA IF NOT EXISTS sluice").execute())
                .chain(() -> conn.query("""
                        CREATE TABLE IF NOT EXISTS sluice.schema_migration (
                            version INT PRIMARY KEY,
                            file TEXT NOT NULL,
                            checksum TEXT NOT NULL,
                            applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""").execute())
                .chain(() -> conn.query("SELECT version, checksum FROM sluice.schema_migration").execute())
                .chain(rows -> {
                    Map<Integer, String> done = new java.util.HashMap<>();
                    rows.forEach(r -> done.put(r.getInteger("version"), r.getString("checksum")));
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (Migration m : migrations) {
                        String previous = done.get(m.version());
                        if (previous != null) {
                            if (!previous.equals(m.checksum())) {
                                return Uni.createFrom().failure(new IllegalStateException(
                                        "Migration " + m.file() + " changed after it was applied"));
                            }
                            continue;
                        }
                        chain = chain.chain(count -> conn.query(m.sql()).execute()
                                .chain(() -> conn.preparedQuery(
                                        "INSERT INTO sluice.schema_migration (version, file, checksum) VALUES ($1, $2, $3)")
                                        .execute(Tuple.of(m.version(), m.file(), m.checksum())))
                                .invoke(() -> LOG.infof("Applied migration %s", m.file()))
                                .replaceWith(count + 1));
                    }
                    return chain;
                });
    }

    static List<Migration> load() {
        List<Migration> result = new ArrayList<>();
        for (String file : read(INDEX).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList())) {
            int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
            String sql = read("db/migration/" + file);
            result.add(new Migration(version, file, sql, sha256(sql)));
        }
        // Increasing, not necessarily consecutive: numbers are reserved per branch, so one may land first.
        for (int i = 0; i < result.size(); i++) {
            if (result.get(i).version() <= (i == 0 ? 0 : result.get(i - 1).version())) {
                throw new IllegalStateException("Migrations must be listed in increasing order of their numbers: "
                        + result.get(i).file());
            }
        }
        return result;
    }

    private static String read(String resource) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    record Migration(int version, String file, String sql, String checksum) {
    }
}
