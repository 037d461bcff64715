package io.sluice.load;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/**
 * The one set-based statement a batch is loaded with:
 * {@code INSERT INTO t (...) SELECT u.c1::type, ... FROM unnest($1::bind[], ...) AS u(c1, ...)},
 * plus {@code ON CONFLICT (pk) DO UPDATE} for upsert. Identifiers come from the compiled program
 * and are quoted; no value is ever part of the SQL text.
 */
public final class InsertStatement {
    private InsertStatement() {
    }

    public static String append(TableSpec table, String qualifiedTarget) {
        List<ColumnSpec> columns = table.columns();
        String names = columns.stream().map(c -> TableSpec.quote(c.name())).collect(Collectors.joining(", "));
        String aliases = IntStream.range(0, columns.size()).mapToObj(i -> "c" + i).collect(Collectors.joining(", "));
        String selected = IntStream.range(0, columns.size())
                .mapToObj(i -> "u.c" + i + "::" + columns.get(i).type().sql()).collect(Collectors.joining(", "));
        String params = IntStream.range(0, columns.size())
                .mapToObj(i -> "$" + (i + 1) + "::" + bindingType(columns.get(i).type()) + "[]")
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + qualifiedTarget + " (" + names + ") SELECT " + selected + " FROM unnest(" + params
                + ") AS u(" + aliases + ")";
    }

    public static String upsert(TableSpec table, String qualifiedTarget) {
        if (table.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("upsert needs a primary key");
        }
        String key = table.primaryKey().stream().map(TableSpec::quote).collect(Collectors.joining(", "));
        List<String> updated = table.columns().stream().map(ColumnSpec::name)
                .filter(c -> !table.primaryKey().contains(c)).toList();
        String action = updated.isEmpty() ? "DO NOTHING"
                : "DO UPDATE SET " + updated.stream().map(c -> TableSpec.quote(c) + " = EXCLUDED." + TableSpec.quote(c))
                        .collect(Collectors.joining(", "));
        return append(table, qualifiedTarget) + " ON CONFLICT (" + key + ") " + action;
    }

    /**
     * The upsert, answering how many of its rows replaced a row written since transaction
     * {@code $n+1} (a text xid: the run's start), i.e. keys the run had already loaded. Needs
     * PostgreSQL 18 ({@code RETURNING old}); null for a table of key columns only (DO NOTHING).
     */
    public static String upsertCountingRepeats(TableSpec table, String qualifiedTarget) {
        if (table.columns().size() == table.primaryKey().size()) {
            return null;
        }
        return "WITH w AS (" + upsert(table, qualifiedTarget) + " RETURNING old.xmin AS x) "
                + "SELECT count(*) FILTER (WHERE x IS NOT NULL AND age(x) < age($" + (table.columns().size() + 1)
                + "::text::xid)) FROM w";
    }

    /** The PostgreSQL array element type the Vert.x client binds for a column (see {@link BatchBinding}). */
    static String bindingType(PgType type) {
        return switch (type.kind()) {
            case BIGINT -> "int8";
            case INTEGER -> "int4";
            case SMALLINT -> "int2";
            case BOOLEAN -> "bool";
            case REAL -> "float4";
            case DOUBLE -> "float8";
            case NUMERIC -> "numeric";
            case DATE -> "date";
            case TIME -> "time";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMPTZ -> "timestamptz";
            case UUID -> "uuid";
            case BYTEA -> "bytea";
            case TEXT, VARCHAR, CHAR, JSONB, INTERVAL -> "text";
        };
    }
}
