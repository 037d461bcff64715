package io.sluice.pipeline.program;

import java.util.List;
import java.util.Locale;

/**
 * Where each loaded row came from, in two columns of the target table: the id of its segment (one
 * version of one source file, {@code sluice.segment.id}) and its 1-based data row number in that
 * file. They let a run continue a file after its last committed row and replace every row of an
 * earlier version of a file in one transaction. Names start with {@link #PREFIX}, which programs may
 * not use for their own columns (as dlt's {@code _dlt_} and Airbyte's {@code _airbyte_}).
 */
public final class Provenance {
    public static final String PREFIX = "_sluice_";
    public static final String FILE_ID = "_sluice_file_id";
    public static final String ROW = "_sluice_row";
    /** In the order they follow the program's columns. */
    public static final List<String> COLUMNS = List.of(FILE_ID, ROW);

    private Provenance() {
    }

    public static boolean isReserved(String column) {
        return column.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** The column definitions added to a table the program declares. */
    static String columnDefinitions() {
        return TableSpec.quote(FILE_ID) + " bigint, " + TableSpec.quote(ROW) + " bigint";
    }

    /**
     * Statements that give an existing table the columns and their index (idempotent, cheap: the
     * columns are nullable without default, so no row is rewritten). A BRIN index: rows of one file
     * arrive together, and it costs the load next to nothing.
     */
    public static List<String> addTo(String qualifiedTable, String indexName) {
        return List.of(
                "ALTER TABLE " + qualifiedTable + " ADD COLUMN IF NOT EXISTS " + TableSpec.quote(FILE_ID) + " bigint, "
                        + "ADD COLUMN IF NOT EXISTS " + TableSpec.quote(ROW) + " bigint",
                "CREATE INDEX IF NOT EXISTS " + TableSpec.quote(indexName) + " ON " + qualifiedTable + " USING brin ("
                        + TableSpec.quote(FILE_ID) + ")");
    }
}
