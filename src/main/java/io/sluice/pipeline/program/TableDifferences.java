package io.sluice.pipeline.program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares a compiled table with one already in PostgreSQL, column by column, ignoring order. */
final class TableDifferences {

    private TableDifferences() {
    }

    static List<String> between(TableSpec table, List<ExistingColumn> existing) {
        Map<String, ExistingColumn> byName = new LinkedHashMap<>();
        existing.stream().filter(column -> !Provenance.isReserved(column.name()))
                .forEach(column -> byName.putIfAbsent(column.name(), column));
        List<String> differences = new ArrayList<>();
        for (ColumnSpec declared : table.columns()) {
            ExistingColumn found = byName.remove(declared.name());
            if (found == null) {
                differences.add("column \"" + declared.name() + "\" (" + declared.declaration()
                        + ") is missing from the existing table");
                continue;
            }
            if (!declared.type().sql().equals(found.formattedType())) {
                differences.add("column \"" + declared.name() + "\" has type " + found.formattedType()
                        + " in the existing table, the program declares " + declared.type().sql());
            }
            if (declared.notNull() != found.notNull()) {
                differences.add("column \"" + declared.name() + "\" is " + nullability(found.notNull())
                        + " in the existing table, the program declares it " + nullability(declared.notNull()));
            }
        }
        byName.values().forEach(extra -> differences.add("the existing table has a column \"" + extra.name()
                + "\" (" + extra.formattedType() + ") that the program does not declare"));
        return List.copyOf(differences);
    }

    private static String nullability(boolean notNull) {
        return notNull ? "NOT NULL" : "nullable";
    }
}
