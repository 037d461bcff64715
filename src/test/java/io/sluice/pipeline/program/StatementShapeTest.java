package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.Compile.assertAt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementShapeTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TABLE t (a INT)",
        "CREATE TABLE t (a INT);",
        "create table t (a int) ;\n",
        "-- the orders table\nCREATE TABLE t (a INT);\n-- end\n",
        "/* header */ CREATE TABLE t ( /* inline */ a INT -- trailing\n);",
        "CREATE TABLE IF NOT EXISTS t (a INT)",
        "\n\n   CREATE\tTABLE\r\n t\r(a\nINT)  \n",
    })
    void oneCreateTableWithCommentsAndSemicolonCompiles(String program) {
        TableSpec table = Compile.ok(program);
        assertEquals("t", table.name());
        assertEquals("a", table.columns().get(0).name());
    }

    @Test
    void nullProgramIsEmpty() {
        assertAt(Compile.error(null, "program_code is empty"), 1, 1, 1, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t\n"})
    void blankProgramIsEmpty(String program) {
        Compile.error(program, "program_code is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-- just a comment", "/* nothing */", "-- a\n-- b\n"})
    void commentsAloneHoldNoStatement(String program) {
        Compile.error(program, "holds no SQL statement");
    }

    @Test
    void secondStatementIsPointedAt() {
        SqlError error = Compile.error("""
                CREATE TABLE a (x INT);
                CREATE TABLE b (y INT);""", "holds 2 statements; expected one CREATE TABLE statement");
        assertAt(error, 2, 1, 2, 22);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "SELECT 1 | found a statement starting with SELECT",
        "SELECT a FROM t | found a statement starting with SELECT",
        "DROP TABLE t | found a statement starting with DROP TABLE",
        "CREATE VIEW v AS SELECT 1 | found a statement starting with CREATE VIEW",
        "INSERT INTO t VALUES (1) | found a statement starting with INSERT INTO",
        "ALTER TABLE t ADD COLUMN b INT | found a statement starting with ALTER TABLE",
        "CREATE INDEX i ON t (a) | found a statement starting with CREATE INDEX",
    })
    void otherStatementsAreRejected(String program, String found) {
        SqlError error = Compile.error(program, found);
        assertEquals(1, error.line());
        assertEquals(1, error.column());
    }

    @Test
    void createTableWithoutAUsableNameIsASyntaxError() {
        SqlError error = Compile.error("CREATE TABLE [t] ([a] INT)", "must be followed by a table name");
        assertAt(error, 1, 14, 1, 16);
        assertEquals(SqlError.SYNTAX_ERROR, error.errorType());
        Compile.error("CREATE TABLE (a INT)", "must be followed by a table name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CREATE TABLE public.t (a INT)", "CREATE TABLE db.public.t (a INT)", "CREATE TABLE \"S\".t (a INT)"})
    void qualifiedTableNamesAreRejected(String program) {
        assertAt(Compile.error(program, "must not be qualified"), 1, 14, 1, program.indexOf(" (a"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CREATE TABLE t AS SELECT 1 AS a | AS SELECT is not supported",
        "CREATE TABLE t (LIKE other) | LIKE is not supported",
        "CREATE TEMPORARY TABLE t (a INT) | only a plain CREATE TABLE",
        "CREATE UNLOGGED TABLE t (a INT) | only a plain CREATE TABLE",
        "CREATE OR REPLACE TABLE t (a INT) | OR REPLACE",
        "CREATE TABLE t (a INT) WITH ('connectors' = '[]') | table options after the column list",
        "CREATE TABLE t (a INT) WITH (fillfactor = 70) | table options after the column list",
        "CREATE TABLE t (a INT) PARTITION BY RANGE (a) | unsupported clause",
        "CREATE TABLE t () | has no columns",
        "CREATE TABLE t (PRIMARY KEY (a)) | has no columns",
    })
    void clausesSluiceCannotHonourAreRejected(String program, String reason) {
        Compile.error(program, reason);
    }

    @Test
    void trailingClauseIsPointedAt() {
        SqlError error = Compile.error("CREATE TABLE t (\n  a INT\n) WITH ('connectors' = '[]');", "table options");
        assertAt(error, 3, 3, 3, 28);
    }

    @Test
    void sixteenHundredColumnsArePostgresLimit() {
        assertEquals(1600, Compile.ok(table(1600)).columns().size());
        assertAt(Compile.error(table(1601), "has 1601 columns; PostgreSQL allows at most 1600"), 1, 14, 1, 16);
    }

    private static String table(int columns) {
        return IntStream.range(0, columns).mapToObj(i -> "c" + i + " INT")
                .collect(Collectors.joining(",\n", "CREATE TABLE big (\n", "\n)"));
    }
}
