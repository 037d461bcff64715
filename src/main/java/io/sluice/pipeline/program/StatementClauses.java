package io.sluice.pipeline.program;

import java.util.List;
import java.util.stream.Collectors;
import net.sf.jsqlparser.statement.create.table.CreateTable;

/**
 * Rejects the parts of a CREATE TABLE around its column list that Sluice cannot honour: the
 * target table is always a regular table in Sluice's schema, created by Sluice's own DDL.
 */
final class StatementClauses {

    private StatementClauses() {
    }

    static void check(CreateTable statement, TableLayout layout) {
        if (statement.getSelect() != null) {
            throw new CompileError("CREATE TABLE ... AS SELECT is not supported: declare the table's columns",
                    layout.tailSpan());
        }
        if (statement.getLikeTable() != null || statement.getTrailingLikeTable() != null) {
            throw new CompileError("CREATE TABLE ... LIKE is not supported: declare the table's columns",
                    layout.statementSpan());
        }
        if (statement.isOrReplace()) {
            throw new CompileError("CREATE OR REPLACE TABLE is not supported", layout.headSpan());
        }
        List<String> createOptions = statement.getCreateOptionsStrings();
        if (statement.isUnlogged() || createOptions != null && !createOptions.isEmpty()) {
            throw new CompileError("only a plain CREATE TABLE is supported (no TEMPORARY, UNLOGGED...): the target"
                    + " table must be a regular table", layout.headSpan());
        }
        if (statement.getTableElements() == null || statement.getTableElements().isEmpty()) {
            throw new CompileError("table \"" + SourceText.abbreviate(statement.getTable().getName(), 80)
                    + "\" has no columns", layout.nameSpan());
        }
        if (statement.getTableOptionsStrings() != null && !statement.getTableOptionsStrings().isEmpty()) {
            throw new CompileError("table options after the column list are not supported ("
                    + SourceText.abbreviate(String.join(" ", statement.getTableOptionsStrings()), 60) + ")",
                    layout.tailSpan());
        }
        if (!statement.toString().equals(plainForm(statement))) {
            throw new CompileError("unsupported clause in CREATE TABLE: only column definitions and a PRIMARY KEY"
                    + " are allowed", layout.tailSpan());
        }
    }

    /**
     * The statement as JSqlParser prints it when it holds nothing but a name and elements; any
     * clause it parsed and this class does not name (PARTITION BY, INHERITS...) makes the two differ.
     * IF NOT EXISTS is let through: Sluice creates the table only if it does not exist anyway.
     */
    private static String plainForm(CreateTable statement) {
        return "CREATE TABLE " + (statement.isIfNotExists() ? "IF NOT EXISTS " : "") + statement.getTable()
                + " (" + statement.getTableElements().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }
}
