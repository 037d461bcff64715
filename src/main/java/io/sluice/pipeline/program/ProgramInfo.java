package io.sluice.pipeline.program;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled program as Feldera's {@code program_info} (PartialProgramInfo) describes it: the target
 * table is the one input relation of {@code schema}; a loader has no views, no generated Rust
 * and no streaming connectors, so {@code outputs} is empty, {@code udf_stubs} is empty and the
 * connector maps are empty.
 */
public final class ProgramInfo {
    private ProgramInfo() {
    }

    static Map<String, Object> of(TableSpec table) {
        Map<String, Object> relation = new LinkedHashMap<>();
        relation.put("name", table.name());
        relation.put("case_sensitive", caseSensitive(table.name()));
        relation.put("fields", table.columns().stream().map(ProgramInfo::field).toList());
        relation.put("materialized", false);
        relation.put("properties", Map.of());
        relation.put("primary_key", table.primaryKey().isEmpty() ? null : table.primaryKey());
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("inputs", List.of(relation));
        schema.put("outputs", List.of());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("schema", schema);
        info.put("udf_stubs", "");
        info.put("input_connectors", Map.of());
        info.put("output_connectors", Map.of());
        return info;
    }

    /** The target table's name in a stored program_info, or null when there is none. */
    public static String tableName(com.fasterxml.jackson.databind.JsonNode info) {
        com.fasterxml.jackson.databind.JsonNode name = info == null ? null : info.path("schema").path("inputs").path(0).get("name");
        return name == null || !name.isTextual() ? null : name.asText();
    }

    /**
     * Unquoted names are folded to lower case, so a name with an upper-case letter was quoted: case
     * sensitive, as Feldera reports a quoted identifier. A quoted lower-case name means the same as unquoted.
     */
    private static boolean caseSensitive(String name) {
        return !name.equals(name.toLowerCase(java.util.Locale.ROOT));
    }

    private static Map<String, Object> field(ColumnSpec column) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("name", column.name());
        field.put("case_sensitive", caseSensitive(column.name()));
        field.put("columntype", columnType(column));
        field.put("unused", false);
        return field;
    }

    /** The column's type in Feldera's SqlType names, with Calcite's precision and scale conventions. */
    static Map<String, Object> columnType(ColumnSpec column) {
        PgType t = column.type();
        String type;
        Integer precision = null;
        Integer scale = null;
        switch (t.kind()) {
            case BIGINT, INTEGER, SMALLINT, BOOLEAN, REAL, DOUBLE, DATE, UUID -> type = t.kind().name();
            case NUMERIC -> {
                type = "DECIMAL";
                precision = t.precision();
                scale = t.scale();
            }
            case TEXT -> {
                type = "VARCHAR";
                precision = -1;
            }
            case VARCHAR, CHAR -> {
                type = t.kind().name();
                precision = t.length() == null ? -1 : t.length();
            }
            case TIME, TIMESTAMP, TIMESTAMPTZ -> {
                type = t.kind() == PgType.Kind.TIMESTAMPTZ ? "TIMESTAMP_TZ" : t.kind().name();
                precision = t.precision() == null ? 0 : t.precision();
            }
            case JSONB -> type = "VARIANT";
            case BYTEA -> type = "VARBINARY";
            case INTERVAL -> type = "INTERVAL_DAY_SECOND";
            default -> throw new IllegalStateException("unmapped type " + t);
        }
        Map<String, Object> columnType = new LinkedHashMap<>();
        columnType.put("type", type);
        columnType.put("nullable", !column.notNull());
        columnType.put("precision", precision);
        columnType.put("scale", scale);
        return columnType;
    }
}
