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

    /** {@code CREATE TABLE IF NOT EXISTS "schema"."name" ("col" type NOT NULL, ..., PRIMARY KEY ("id"))}. */
    public String createTableSql(String schema) {
        String definitions = columns.stream()
                .map(c -> quote(c.name()) + " " + c.declaration())
                .collect(Collectors.joining(", "));
        String key = primaryKey.isEmpty() ? "" : ", PRIMARY KEY (" + quotedList(primaryKey) + ")";
        return "CREATE TABLE IF NOT EXISTS " + quote(schema) + "." + quote(name) + " (" + definitions + key + ")";
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
