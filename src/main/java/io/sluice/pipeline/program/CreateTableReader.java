package io.sluice.pipeline.program;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.create.table.TableElement;

/** Turns a parsed CREATE TABLE into a {@link TableSpec}, or a {@link CompileError} at its first problem. */
final class CreateTableReader {

    /** PostgreSQL's limit on the columns of one table. */
    static final int MAX_COLUMNS = 1600;

    private final CreateTable statement;
    private final TableLayout layout;
    private final Map<String, ColumnSpec> columns = new LinkedHashMap<>();
    private final Set<String> declaredNull = new HashSet<>();
    private String tableName;
    private List<String> primaryKey = List.of();
    private ElementTokens primaryKeyWhere;

    private CreateTableReader(CreateTable statement, TableLayout layout) {
        this.statement = statement;
        this.layout = layout;
    }

    static TableSpec read(CreateTable statement, TableLayout layout) {
        return new CreateTableReader(statement, layout).read();
    }

    private TableSpec read() {
        StatementClauses.check(statement, layout);
        tableName = tableName(statement.getTable());
        List<TableElement> elements = statement.getTableElements();
        for (int i = 0; i < elements.size(); i++) {
            readElement(elements.get(i), layout.element(i, elements.size()));
        }
        if (columns.isEmpty()) {
            throw new CompileError("table \"" + tableName + "\" has no columns", layout.nameSpan());
        }
        if (columns.size() > MAX_COLUMNS) {
            throw new CompileError("table \"" + tableName + "\" has " + columns.size() + " columns; PostgreSQL allows at most "
                    + MAX_COLUMNS, layout.nameSpan());
        }
        checkPrimaryKeyColumns();
        return new TableSpec(tableName, columnsWithPrimaryKeyNotNull(), primaryKey);
    }

    private String tableName(Table table) {
        if (!table.getFullyQualifiedName().equals(table.getName())) {
            throw new CompileError("the table name must not be qualified ("
                    + SourceText.abbreviate(table.getFullyQualifiedName(), 80)
                    + "): Sluice chooses the schema of the target table", layout.nameSpan());
        }
        return Identifiers.resolve(table.getName(), "table name", layout.nameSpan());
    }

    private void readElement(TableElement element, ElementTokens where) {
        if (element instanceof ColumnDefinition column) {
            readColumn(column, where);
        } else if (element instanceof Index constraint && constraint.getKind() == Index.Kind.PRIMARY_KEY) {
            readPrimaryKey(constraint, where);
        } else {
            throw new CompileError(TableConstraints.rejection(element), where.span());
        }
    }

    private void readColumn(ColumnDefinition definition, ElementTokens where) {
        String name = Identifiers.resolve(definition.getColumnName(), "column name", where.first());
        if (columns.containsKey(name)) {
            throw new CompileError("column \"" + name + "\" is declared more than once", where.first());
        }
        PgType type = ColumnTypes.resolve(definition.getColDataType(), name, where.type());
        ColumnOptions options = ColumnOptions.read(definition.getColumnSpecs(), name, where);
        columns.put(name, new ColumnSpec(name, type, options.notNull()));
        if (options.explicitlyNull()) {
            declaredNull.add(name);
        }
        if (options.primaryKey()) {
            declarePrimaryKey(List.of(name), where);
        }
    }

    private void readPrimaryKey(Index constraint, ElementTokens where) {
        List<String> written = TableConstraints.plainPrimaryKeyColumns(constraint).orElseThrow(() -> new CompileError(
                "PRIMARY KEY options (ordering, INCLUDE, USING INDEX, DEFERRABLE...) are not supported", where.span()));
        List<String> names = new ArrayList<>();
        for (String raw : written) {
            String name = Identifiers.resolve(raw, "PRIMARY KEY column", where.identifier(Identifiers.fold(raw)));
            if (names.contains(name)) {
                throw new CompileError("column \"" + name + "\" appears more than once in the PRIMARY KEY",
                        where.identifier(name));
            }
            names.add(name);
        }
        declarePrimaryKey(names, where);
    }

    private void declarePrimaryKey(List<String> names, ElementTokens where) {
        if (primaryKeyWhere != null) {
            throw new CompileError("multiple primary keys for table \"" + tableName + "\" are not allowed",
                    where.from("PRIMARY"));
        }
        primaryKey = List.copyOf(names);
        primaryKeyWhere = where;
    }

    /** After all columns: a table constraint may name columns declared after it. */
    private void checkPrimaryKeyColumns() {
        for (String key : primaryKey) {
            if (!columns.containsKey(key)) {
                throw new CompileError("PRIMARY KEY column \"" + key + "\" is not a column of the table",
                        primaryKeyWhere.identifier(key));
            }
            if (declaredNull.contains(key)) {
                throw new CompileError("column \"" + key + "\" is declared NULL but belongs to the PRIMARY KEY",
                        primaryKeyWhere.identifier(key));
            }
        }
    }

    private List<ColumnSpec> columnsWithPrimaryKeyNotNull() {
        return columns.values().stream()
                .map(c -> primaryKey.contains(c.name()) ? new ColumnSpec(c.name(), c.type(), true) : c)
                .toList();
    }
}
