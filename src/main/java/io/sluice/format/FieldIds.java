package io.sluice.format;

import java.util.HashMap;
import java.util.Map;

/**
 * Parquet fields to columns by Iceberg field id ({@link Formats#PARQUET_FIELD_IDS}): the id in the
 * file's schema, else the id the table's name mapping gives the field's name, else (a file without
 * any ids and no mapping for the name) the column of that name if it holds a field.
 */
final class FieldIds {
    /** Field id to column name. */
    private final Map<Integer, String> columnOfId = new HashMap<>();
    private final Map<String, Integer> mappedNames = new HashMap<>();

    private FieldIds(Map<?, ?> ids, Map<?, ?> names) {
        ids.forEach((column, id) -> columnOfId.put(number(id), column.toString()));
        if (names != null) {
            names.forEach((name, id) -> mappedNames.put(name.toString(), number(id)));
        }
    }

    /** The field ids of the options, null when the options have none (columns go by name). */
    static FieldIds of(Map<String, Object> options) {
        if (options == null || !(options.get(Formats.PARQUET_FIELD_IDS) instanceof Map<?, ?> ids) || ids.isEmpty()) {
            return null;
        }
        return new FieldIds(ids, options.get(Formats.PARQUET_MAPPED_NAMES) instanceof Map<?, ?> names ? names : null);
    }

    /** The column of a top-level Parquet field, or -1 for a field no column holds. */
    int columnOf(Integer fileId, String name, boolean fileHasIds, ColumnIndex index) {
        Integer id = fileId != null ? fileId : mappedNames.get(name);
        if (id != null) {
            String column = columnOfId.get(id);
            return column == null ? -1 : index.indexOf(column);
        }
        return !fileHasIds && columnOfId.containsValue(name) ? index.indexOf(name) : -1;
    }

    private static int number(Object id) {
        return id instanceof Number n ? n.intValue() : Integer.parseInt(id.toString());
    }
}
