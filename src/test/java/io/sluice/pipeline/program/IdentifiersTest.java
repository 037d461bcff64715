package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.Compile.assertAt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    @Test
    void unquotedNamesFoldToLowerCase() {
        TableSpec table = Compile.ok("CREATE TABLE Customers (Id BIGINT, EMAIL text, first_Name TEXT)");
        assertEquals("customers", table.name());
        assertEquals(List.of("id", "email", "first_name"), table.columns().stream().map(ColumnSpec::name).toList());
    }

    @Test
    void quotedNamesKeepTheirCase() {
        TableSpec table = Compile.ok("CREATE TABLE \"Customers\" (\"Id\" BIGINT, \"eMail\" TEXT, plain INT)");
        assertEquals("Customers", table.name());
        assertEquals(List.of("Id", "eMail", "plain"), table.columns().stream().map(ColumnSpec::name).toList());
    }

    @Test
    void quotingLetsKeywordsBeNames() {
        TableSpec table = Compile.ok("CREATE TABLE \"select\" (\"from\" INT, \"table\" TEXT)");
        assertEquals("select", table.name());
        assertEquals("from", table.columns().get(0).name());
    }

    @Test
    void nameOfExactlySixtyThreeCharactersIsAccepted() {
        String name = "c".repeat(63);
        assertEquals(name, Compile.ok("CREATE TABLE t (" + name + " INT)").columns().get(0).name());
    }

    @Test
    void nameLongerThanSixtyThreeCharactersIsRejected() {
        SqlError error = Compile.error("CREATE TABLE t (\n  " + "c".repeat(64) + " INT\n)", "longer than 63");
        assertAt(error, 2, 3, 2, 66);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"has space\"", "\"dash-ed\"", "\"1starts_with_digit\"", "\"\"", "\"naïve\"", "\"a\"\"b\"",
        "`backticked`"})
    void columnNamesOutsideTheSafeAlphabetAreRejected(String name) {
        SqlError error = Compile.error("CREATE TABLE t (a INT,\n " + name + " INT)", "not a valid identifier");
        assertAt(error, 2, 2, 2, 1 + name.length());
    }

    @Test
    void invalidTableNameIsRejectedAtTheName() {
        SqlError error = Compile.error("CREATE TABLE \"my table\" (a INT)", "table name \"my table\"");
        assertAt(error, 1, 14, 1, 23);
    }

    @Test
    void duplicateColumnsAreFoundAfterFolding() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  Amount INT,
                  amount BIGINT
                )""", "column \"amount\" is declared more than once");
        assertAt(error, 3, 3, 3, 8);
    }

    @Test
    void quotedNameMatchingAFoldedOneIsADuplicate() {
        Compile.error("CREATE TABLE t (total INT, \"total\" INT)", "declared more than once");
    }

    @Test
    void quotedUpperCaseNameIsADifferentColumn() {
        TableSpec table = Compile.ok("CREATE TABLE t (total INT, \"Total\" INT)");
        assertEquals(List.of("total", "Total"), table.columns().stream().map(ColumnSpec::name).toList());
    }
}
