package io.sluice.external;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.iceberg.Schema;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.external.iceberg.IcebergColumns;
import io.sluice.external.iceberg.IcebergColumns.Evolution;
import io.sluice.external.iceberg.IcebergColumns.Field;
import io.sluice.external.iceberg.IcebergColumns.Mapping;
import io.sluice.pipeline.PipelineJson;
import io.sluice.pipeline.TargetTables;
import io.sluice.pipeline.program.Compilation;
import io.sluice.pipeline.program.ProgramCompiler;
import io.sluice.pipeline.program.TableSpec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The Iceberg field of each column of an external table's target table (the columns' comments),
 * and the schema changes a sync mirrors before its rows load: the ALTERs, the new comments and the
 * pipeline's program (so runs and a later provisioning see the same columns) in one transaction.
 */
@ApplicationScoped
public class ExternalColumns {
    private static final Logger LOG = Logger.getLogger(ExternalColumns.class);
    private static final String COLUMNS = """
            SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""";

    private static final String NOT_NULL = """
            SELECT a.attname, a.attnotnull FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped""";

    @Inject
    Pool pool;
    @Inject
    TargetTables tables;
    @Inject
    PipelineJson json;

    /**
     * The mapping the columns' comments hold; empty when none has one (a table created before
     * columns were mapped, or with a posted schema); null when the table does not exist.
     */
    public Uni<Mapping> mapping(String table) {
        return pool.preparedQuery(COLUMNS).execute(Tuple.of(tables.qualified(table))).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            List<Field> fields = new ArrayList<>();
            rows.forEach(r -> {
                Field f = Field.ofComment(r.getString(0), r.getString(1), json.mapper());
                if (f != null) {
                    fields.add(f);
                }
            });
            return new Mapping(fields);
        });
    }

    /** Field ids by column and by name-mapped name, as the Parquet reader takes them (empty: columns by name). */
    public static Map<String, Object> readerOptions(Mapping mapping) {
        if (mapping == null || mapping.fields().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> options = new HashMap<>();
        options.put(io.sluice.format.Formats.PARQUET_FIELD_IDS, mapping.liveFieldIds());
        options.put(io.sluice.format.Formats.PARQUET_MAPPED_NAMES, mapping.idsByMappedName());
        return options;
    }

    /**
     * Brings the target table of pipeline {@code pipelineId} to {@code schema}: the table's mapping
     * (or, when its columns carry none yet, one by name: the columns were created from the schema's
     * fields), the changes {@link IcebergColumns#evolve} finds, applied in one transaction. Returns
     * what changed (empty when nothing did). Fails, changing nothing, for a change that cannot be mirrored.
     */
    public Uni<List<String>> mirror(java.util.UUID pipelineId, String table, Schema schema,
            Map<Integer, List<String>> nameMapping, String icebergTable) {
        return mapping(table).chain(stored -> stored == null ? Uni.createFrom().item(List.<String>of())
                : (stored.fields().isEmpty() ? byName(table, schema, nameMapping) : Uni.createFrom().item(stored))
                        .chain(from -> apply(pipelineId, table, schema, nameMapping, icebergTable, stored, from)));
    }

    private Uni<List<String>> apply(java.util.UUID pipelineId, String table, Schema schema,
            Map<Integer, List<String>> nameMapping, String icebergTable, Mapping stored, Mapping from) {
        Evolution evolution = IcebergColumns.evolve(from, schema, nameMapping, tables.qualified(table), icebergTable);
        boolean commentsChanged = !evolution.next().equals(stored);
        if (evolution.statements().isEmpty() && !commentsChanged) {
            return Uni.createFrom().item(List.<String>of());
        }
        String program = TargetColumn.createTable(table, evolution.columns());
        if (!(ProgramCompiler.compile(program) instanceof Compilation.Success compiled)) {
            throw new IllegalStateException("the mirrored program of " + table + " does not compile: " + program);
        }
        return pool.withTransaction(conn -> run(conn, evolution.statements(), 0)
                .chain(() -> comment(conn, table, evolution.next().fields(), 0))
                .chain(() -> conn.preparedQuery("UPDATE sluice.pipeline SET program_code = $2, program_info = $3 WHERE id = $1")
                        .execute(Tuple.of(pipelineId, program, json.write(compiled.table().programInfo())))))
                .onFailure().transform(e -> new io.sluice.external.iceberg.IcebergPlanner.SyncRefused(
                        "Schema change of Iceberg table " + icebergTable + " (" + String.join("; ", evolution.described())
                        + ") could not be applied to " + tables.qualified(table) + ": " + ExternalTableSync.message(e)
                        + "; nothing was loaded and the checkpoint is unchanged"))
                .invoke(() -> {
                    if (!evolution.described().isEmpty()) {
                        LOG.infof("Table %s: mirrored the schema of Iceberg table %s: %s", table, icebergTable,
                                String.join("; ", evolution.described()));
                    }
                })
                .replaceWith(evolution.described());
    }

    /**
     * A table whose columns carry no field yet (created before columns were mapped): its columns
     * named as fields of the schema hold those fields.
     */
    private Uni<Mapping> byName(String table, Schema schema, Map<Integer, List<String>> nameMapping) {
        return pool.preparedQuery(NOT_NULL).execute(Tuple.of(tables.qualified(table))).map(rows -> {
            Map<String, Boolean> notNull = new HashMap<>();
            rows.forEach(r -> notNull.put(r.getString(0), r.getBoolean(1)));
            // required as the columns are: columns created before required fields became NOT NULL get SET NOT NULL
            return new Mapping(IcebergColumns.initial(schema, nameMapping).fields().stream()
                    .filter(f -> notNull.containsKey(f.column()))
                    .map(f -> new Field(f.id(), f.column(), f.type(), notNull.get(f.column()), false, f.names())).toList());
        });
    }

    private Uni<Void> run(SqlConnection conn, List<String> statements, int i) {
        if (i == statements.size()) {
            return Uni.createFrom().voidItem();
        }
        return conn.query(statements.get(i)).execute().chain(() -> run(conn, statements, i + 1));
    }

    private Uni<Void> comment(SqlConnection conn, String table, List<Field> fields, int i) {
        if (i == fields.size()) {
            return Uni.createFrom().voidItem();
        }
        Field f = fields.get(i);
        return conn.query("COMMENT ON COLUMN " + tables.qualified(table) + "." + TableSpec.quote(f.column()) + " IS "
                + literal(f.comment(json.mapper()))).execute().chain(() -> comment(conn, table, fields, i + 1));
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
