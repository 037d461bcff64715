package io.sluice.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.program.ExistingColumn;
import io.sluice.pipeline.program.Provenance;
import io.sluice.pipeline.program.TableSpec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Creates, verifies and drops pipelines' target tables in the target schema. */
@ApplicationScoped
public class TargetTables {
    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";

    @Inject
    Pool pool;
    @Inject
    PipelineConfig config;

    public String schema() {
        return config.targetSchema();
    }

    public String qualified(String table) {
        return TableSpec.quote(schema()) + "." + TableSpec.quote(table);
    }

    private static final String OWNER = """
            SELECT obj_description(c.oid, 'pg_class') FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2""";
    private static final String PRIMARY_KEY = """
            SELECT a.attname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary ORDER BY k.ord""";
    private static final String OWNER_MARK = "sluice:pipeline:";
    /** The advisory lock key that serializes the creation of the target schema (the migrator's is another). */
    private static final long SCHEMA_LOCK = 0x5_1_1_1CE_5CL;

    /**
     * Creates the table when missing (marked as the pipeline's own), or compares an existing one
     * with the program. Returns the differences (empty when the table is ready); a table another
     * pipeline created is a difference too. Waits at most {@code lockWait} for locks held by others,
     * then fails with PostgreSQL's lock_timeout error (SQLSTATE 55P03).
     */
    public Uni<List<String>> ensure(TableSpec table, UUID pipelineId, Duration lockWait) {
        return ensure(table, pipelineId, lockWait, true);
    }

    /** {@link #ensure(TableSpec, UUID, Duration)}; {@code provenance} false: without the provenance columns (opted out). */
    public Uni<List<String>> ensure(TableSpec table, UUID pipelineId, Duration lockWait, boolean provenance) {
        return createSchema(lockWait).chain(() -> pool.withTransaction(conn -> conn
                .query("SET LOCAL lock_timeout = " + Math.max(1, lockWait.toMillis())).execute()
                .chain(() -> conn.query("SET LOCAL statement_timeout = " + Math.max(1, lockWait.toMillis())).execute())
                .chain(() -> conn.query("SET LOCAL client_min_messages = warning").execute()) // IF NOT EXISTS notices
                .chain(() -> existingColumns(conn, table.name()))
                .chain(existing -> existing.isEmpty()
                        ? conn.query(table.createTableSql(schema(), provenance)).execute()
                                .chain(() -> conn.query("COMMENT ON TABLE " + qualified(table.name()) + " IS '"
                                        + OWNER_MARK + pipelineId + "'").execute())
                                .chain(() -> provenance ? addProvenance(conn, table.name(), List.of()) : Uni.createFrom().voidItem())
                                .replaceWith(List.<String>of())
                        : owner(conn, table.name()).chain(owner -> owner != null && !owner.equals(pipelineId)
                                ? Uni.createFrom().item(List.of("table was created by another pipeline (" + owner + ")"))
                                : primaryKey(conn, table.name()).map(key -> {
                                    List<String> differences = new ArrayList<>(table.differencesFrom(existing));
                                    if (!key.equals(table.primaryKey())) {
                                        differences.add("primary key is " + key + ", the program declares " + table.primaryKey());
                                    }
                                    return differences;
                                })))
                .chain(differences -> differences.isEmpty()
                        // Proves the table can be read now (waits for, then times out on, exclusive locks).
                        ? existingColumns(conn, table.name()).chain(existing -> provenance
                                ? addProvenance(conn, table.name(), existing) : Uni.createFrom().voidItem())
                                .chain(() -> conn.query("SELECT 1 FROM " + qualified(table.name()) + " LIMIT 0").execute())
                                .replaceWith(differences)
                        : Uni.createFrom().item(differences))));
    }

    /**
     * The target schema, created once. CREATE SCHEMA IF NOT EXISTS is not safe against itself: two
     * pipelines provisioned at the same moment on a fresh database (or a run and a provisioning)
     * would fail one of them with a duplicate key on pg_namespace. An advisory lock serializes them.
     */
    private Uni<Void> createSchema(Duration lockWait) {
        return pool.withTransaction(conn -> conn
                .query("SET LOCAL lock_timeout = " + Math.max(1, lockWait.toMillis())).execute()
                // Quiet: IF NOT EXISTS on an existing schema sends a notice the client logs as a warning.
                .chain(() -> conn.query("SET LOCAL client_min_messages = warning").execute())
                .chain(() -> conn.query("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")").execute())
                .chain(() -> conn.query("CREATE SCHEMA IF NOT EXISTS " + TableSpec.quote(schema())).execute()))
                .replaceWithVoid();
    }

    /**
     * Gives the table the {@link Provenance} columns and their index, unless it has them: tables
     * created before provenance existed, or created by someone else and adopted, get them here.
     */
    private Uni<Void> addProvenance(SqlConnection conn, String table, List<ExistingColumn> existing) {
        if (existing.stream().anyMatch(c -> c.name().equals(Provenance.FILE_ID))) {
            return Uni.createFrom().voidItem();
        }
        String index = (table.length() > 40 ? table.substring(0, 40) : table) + "_sluice_file_idx";
        return Multi.createFrom().iterable(Provenance.addTo(qualified(table), index))
                .onItem().transformToUniAndConcatenate(sql -> conn.query(sql).execute())
                .collect().last().replaceWithVoid();
    }

    /**
     * Drops the table if this pipeline created it; a table it merely adopted (it existed with the
     * right shape) is left alone. Returns whether it was dropped.
     */
    public Uni<Boolean> drop(String table, UUID pipelineId) {
        return pool.withTransaction(conn -> owner(conn, table).chain(owner -> pipelineId.equals(owner)
                ? conn.query("DROP TABLE IF EXISTS " + qualified(table)).execute().replaceWith(true)
                : Uni.createFrom().item(false)));
    }

    /** Name of the table a replace run loads into before it swaps it in. */
    public static String stagingName(UUID runId) {
        return "_sluice_stage_" + runId.toString().replace("-", "");
    }

    /** An empty copy of the target table (same columns, constraints, indexes) for a replace run. */
    public Uni<Void> createStaging(String table, UUID runId) {
        return pool.query("CREATE TABLE " + qualified(stagingName(runId)) + " (LIKE " + qualified(table)
                + " INCLUDING ALL)").execute().replaceWithVoid();
    }

    public Uni<Void> dropStaging(UUID runId) {
        return pool.query("DROP TABLE IF EXISTS " + qualified(stagingName(runId))).execute().replaceWithVoid();
    }

    /**
     * Atomically puts the staging table in the target's place: readers see the old table or the
     * new one, never a mix. Runs {@code alsoInTransaction} (e.g. the segment bookkeeping) in the same
     * transaction. The target keeps its owner mark.
     */
    public Uni<Void> swapInStaging(String table, UUID runId, Duration lockWait,
            java.util.function.Function<SqlConnection, Uni<?>> alsoInTransaction) {
        String old = "_sluice_old_" + runId.toString().replace("-", "");
        return pool.withTransaction(conn -> conn.query("SET LOCAL lock_timeout = " + Math.max(1, lockWait.toMillis())).execute()
                .chain(() -> conn.query("LOCK TABLE " + qualified(table) + " IN ACCESS EXCLUSIVE MODE").execute())
                .chain(() -> owner(conn, table))
                .chain(owner -> conn.query("ALTER TABLE " + qualified(table) + " RENAME TO " + TableSpec.quote(old)).execute()
                        .chain(() -> conn.query("ALTER TABLE " + qualified(stagingName(runId)) + " RENAME TO "
                                + TableSpec.quote(table)).execute())
                        .chain(() -> conn.query("DROP TABLE " + qualified(old)).execute())
                        .chain(() -> owner == null ? Uni.createFrom().voidItem()
                                : conn.query("COMMENT ON TABLE " + qualified(table) + " IS '" + OWNER_MARK + owner + "'")
                                        .execute().replaceWithVoid()))
                .chain(() -> alsoInTransaction.apply(conn))
                .replaceWithVoid());
    }

    private Uni<List<String>> primaryKey(SqlConnection conn, String table) {
        return conn.preparedQuery(PRIMARY_KEY).execute(Tuple.of(schema(), table)).map(rows -> {
            List<String> key = new ArrayList<>();
            rows.forEach(r -> key.add(r.getString(0)));
            return key;
        });
    }

    private Uni<UUID> owner(SqlConnection conn, String table) {
        return conn.preparedQuery(OWNER).execute(Tuple.of(schema(), table)).map(rows -> {
            String comment = rows.size() == 0 ? null : rows.iterator().next().getString(0);
            if (comment == null || !comment.startsWith(OWNER_MARK)) {
                return null;
            }
            try {
                return UUID.fromString(comment.substring(OWNER_MARK.length()));
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
    }

    private Uni<List<ExistingColumn>> existingColumns(SqlConnection conn, String table) {
        return conn.preparedQuery(COLUMNS).execute(Tuple.of(schema(), table)).map(rows -> {
            List<ExistingColumn> columns = new ArrayList<>();
            rows.forEach(r -> columns.add(new ExistingColumn(r.getString(0), r.getString(1), r.getBoolean(2))));
            return columns;
        });
    }
}
