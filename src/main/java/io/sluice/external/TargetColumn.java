package io.sluice.external;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.sluice.api.SluiceException;
import io.sluice.pipeline.program.PgType;

/** One column of an external table's target table, derived from the Iceberg, Parquet or Pinot schema. */
public record TargetColumn(String name, PgType type, boolean notNull) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public TargetColumn(String name, PgType type) {
        this(name, type, false);
    }

    /** Whether {@code name} can be a column of a target table (quoted, case kept). */
    public static boolean validName(String name) {
        return IDENTIFIER.matcher(name).matches();
    }

    /** The program of the table's pipeline: one CREATE TABLE with every column quoted (names keep their case). */
    public static String createTable(String table, List<TargetColumn> columns) {
        if (columns.isEmpty()) {
            throw SluiceException.badRequest("EmptySchema", "The schema of table '" + table + "' has no columns");
        }
        StringBuilder sql = new StringBuilder("CREATE TABLE \"").append(table).append("\" (");
        for (int i = 0; i < columns.size(); i++) {
            TargetColumn c = columns.get(i);
            if (!IDENTIFIER.matcher(c.name()).matches()) {
                throw SluiceException.badRequest("UnsupportedColumnName", "Column '" + c.name() + "' of table '" + table
                        + "' cannot be a PostgreSQL column name (letters, digits and '_', at most 63); give a schema",
                        Map.of("column", c.name()));
            }
            sql.append(i == 0 ? "" : ", ").append('"').append(c.name()).append("\" ").append(c.type().sql())
                    .append(c.notNull() ? " NOT NULL" : "");
        }
        return sql.append(')').toString();
    }
}
