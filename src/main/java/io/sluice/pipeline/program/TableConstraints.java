package io.sluice.pipeline.program;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.create.table.TableElement;

/** Table-level elements other than columns: only a plain PRIMARY KEY is accepted. */
final class TableConstraints {

    static final String CHECK = "CHECK constraints are not supported: use the pipeline's validation rules";
    static final String UNIQUE = "UNIQUE constraints are not supported: only the PRIMARY KEY identifies rows";
    static final String FOREIGN_KEY = "foreign keys are not supported";

    private static final Map<Index.Kind, String> REJECTED = Map.of(
            Index.Kind.CHECK, CHECK,
            Index.Kind.UNIQUE, UNIQUE,
            Index.Kind.FOREIGN_KEY, FOREIGN_KEY,
            Index.Kind.EXCLUDE, "EXCLUDE constraints are not supported",
            Index.Kind.INDEX, "indexes cannot be declared in the program",
            Index.Kind.FULLTEXT, "indexes cannot be declared in the program",
            Index.Kind.SPATIAL, "indexes cannot be declared in the program");

    private TableConstraints() {
    }

    static String rejection(TableElement element) {
        String fallback = "\"" + SourceText.abbreviate(String.valueOf(element), 60) + "\" is not supported in a table definition";
        return element instanceof Index index ? REJECTED.getOrDefault(index.getKind(), fallback) : fallback;
    }

    /**
     * The key's column names as written, if it is {@code [CONSTRAINT name] PRIMARY KEY (a, b)} and
     * nothing more: JSqlParser folds ordering, INCLUDE, USING INDEX and DEFERRABLE into the same
     * object, and any of them would be lost when Sluice writes its own DDL.
     */
    static Optional<List<String>> plainPrimaryKeyColumns(Index index) {
        List<String> names = new ArrayList<>();
        for (Index.ColumnParams column : index.getColumns()) {
            if (column.getColumnName() == null) {
                return Optional.empty();
            }
            names.add(column.getColumnName());
        }
        String constraintName = index.getName() == null ? "" : "CONSTRAINT " + index.getName() + " ";
        String plain = constraintName + "PRIMARY KEY (" + String.join(", ", names) + ")";
        return index.toString().equalsIgnoreCase(plain) ? Optional.of(names) : Optional.empty();
    }
}
