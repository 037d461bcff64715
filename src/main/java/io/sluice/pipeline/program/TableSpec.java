package io.sluice.pipeline.program;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The target table a compiled program declares; every name in it is folded and validated. */
public record TableSpec(String name, List<ColumnSpec> columns, List<String> primaryKey) {

    public TableSpec {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS "schema"."name" ("col" type NOT NULL, ..., <provenance>, PRIMARY KEY ("id"))}:
     * the program's columns followed by the {@link Provenance} columns.
     */
    public String createTableSql(String schema) {
        return createTableSql(schema, true);
    }

    /** {@link #createTableSql(String)}, without the provenance columns when {@code provenance} is false (opted out). */
    public String createTableSql(String schema, boolean provenance) {
        String definitions = columns.stream()
                .map(c -> quote(c.name()) + " " + c.declaration())
                .collect(Collectors.joining(", ")) + (provenance ? ", " + Provenance.columnDefinitions() : "");
        String key = primaryKey.isEmpty() ? "" : ", PRIMARY KEY (" + quotedList(primaryKey) + ")";
        return "CREATE TABLE IF NOT EXISTS " + quote(schema) + "." + quote(name) + " (" + definitions + key + ")";
    }

    /**
     * The table as batches load it: the program's columns, then the {@link Provenance} columns
     * (bigint; not part of the key, so an upsert moves a key's provenance to the row that wrote it last).
     */
    public TableSpec withProvenance() {
        List<ColumnSpec> loaded = new java.util.ArrayList<>(columns);
        Provenance.COLUMNS.forEach(c -> loaded.add(new ColumnSpec(c, PgType.of(PgType.Kind.BIGINT), false)));
        return new TableSpec(name, loaded, primaryKey);
    }

    /** The pipeline's {@code program_info}, in Feldera's shape ({@link ProgramInfo}). */
    public Map<String, Object> programInfo() {
        return ProgramInfo.of(this);
    }

    /** Why an existing table with these columns does not match; empty when it does. */
    public List<String> differencesFrom(List<ExistingColumn> existing) {
        return TableDifferences.between(this, existing);
    }

    /** Double-quotes an identifier for PostgreSQL; the one quoting helper of the project. */
    public static String quote(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PostgreSQL identifiers cannot be empty or hold NUL characters");
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String quotedList(List<String> identifiers) {
        return identifiers.stream().map(TableSpec::quote).collect(Collectors.joining(", "));
    }
}
