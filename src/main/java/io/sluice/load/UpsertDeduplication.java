package io.sluice.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL refuses an upsert that touches one key twice in one statement; within a batch the
 * last row of a key wins and the earlier ones are skipped (counted as {@code skippedRows}).
 */
public final class UpsertDeduplication {
    private UpsertDeduplication() {
    }

    /** The batch without earlier duplicates of a key, and how many rows were dropped. */
    public record Result(Object[][] columns, int size, int skipped) {
    }

    public static Result apply(Object[][] columns, int size, int[] keyColumns) {
        Map<List<Object>, Integer> last = new HashMap<>(size * 2);
        for (int row = 0; row < size; row++) {
            last.put(key(columns, keyColumns, row), row);
        }
        int kept = last.size();
        if (kept == size) {
            return new Result(columns, size, 0);
        }
        boolean[] keep = new boolean[size];
        last.values().forEach(row -> keep[row] = true);
        Object[][] result = new Object[columns.length][];
        for (int c = 0; c < columns.length; c++) {
            Object[] source = columns[c];
            Object[] target = Arrays.copyOf(source, kept);
            int next = 0;
            for (int row = 0; row < size; row++) {
                if (keep[row]) {
                    target[next++] = source[row];
                }
            }
            result[c] = target;
        }
        return new Result(result, kept, size - kept);
    }

    private static List<Object> key(Object[][] columns, int[] keyColumns, int row) {
        List<Object> key = new ArrayList<>(keyColumns.length);
        for (int c : keyColumns) {
            key.add(columns[c][row]);
        }
        return key;
    }
}
