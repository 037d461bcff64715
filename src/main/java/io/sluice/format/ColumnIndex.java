package io.sluice.format;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sluice.pipeline.program.ColumnSpec;

/** Matches source field names to table columns: exactly first, then ignoring case. */
final class ColumnIndex {
    private static final int MAX_REMEMBERED = 1024;

    private final Map<String, Integer> exact = new HashMap<>();
    private final Map<String, Integer> folded = new HashMap<>();
    /** Names seen before, found or not (-1): JSON lines repeat their keys on every line. */
    private final Map<String, Integer> seen = new HashMap<>();

    ColumnIndex(List<ColumnSpec> columns) {
        for (int i = 0; i < columns.size(); i++) {
            exact.put(columns.get(i).name(), i);
            folded.putIfAbsent(columns.get(i).name().toLowerCase(Locale.ROOT), i);
        }
    }

    /** The column index of a source field name, or -1. */
    int indexOf(String name) {
        Integer index = exact.get(name);
        if (index != null) {
            return index;
        }
        index = seen.get(name);
        if (index == null) {
            index = folded.getOrDefault(name.trim().toLowerCase(Locale.ROOT), -1);
            if (seen.size() < MAX_REMEMBERED) {
                seen.put(name, index);
            }
        }
        return index;
    }
}
