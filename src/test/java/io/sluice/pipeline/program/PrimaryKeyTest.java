package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.Compile.assertAt;
import static io.sluice.pipeline.program.Compile.column;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrimaryKeyTest {

    @Test
    void inlinePrimaryKeyMakesTheColumnNotNull() {
        TableSpec table = Compile.ok("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT)");
        assertEquals(List.of("id"), table.primaryKey());
        assertTrue(column(table, "id").notNull());
        assertFalse(column(table, "name").notNull());
    }

    @Test
    void tableLevelPrimaryKeyMayComeBeforeItsColumns() {
        TableSpec table = Compile.ok("CREATE TABLE t (PRIMARY KEY (id), id BIGINT, name TEXT)");
        assertEquals(List.of("id"), table.primaryKey());
        assertTrue(column(table, "id").notNull());
    }

    @Test
    void compositeKeyKeepsItsDeclaredOrder() {
        TableSpec table = Compile.ok("CREATE TABLE t (a INT, b INT, c INT, PRIMARY KEY (c, A))");
        assertEquals(List.of("c", "a"), table.primaryKey());
        assertTrue(column(table, "a").notNull());
        assertFalse(column(table, "b").notNull());
        assertTrue(column(table, "c").notNull());
    }

    @Test
    void namedConstraintsAreAccepted() {
        assertEquals(List.of("a", "Bb"),
                Compile.ok("CREATE TABLE t (a INT, \"Bb\" INT, CONSTRAINT t_pk PRIMARY KEY (a, \"Bb\"))").primaryKey());
        assertEquals(List.of("a"), Compile.ok("CREATE TABLE t (a INT CONSTRAINT a_pk PRIMARY KEY)").primaryKey());
    }

    @Test
    void primaryKeyWithExplicitNotNullIsFine() {
        TableSpec table = Compile.ok("CREATE TABLE t (a INT NOT NULL PRIMARY KEY)");
        assertEquals(List.of("a"), table.primaryKey());
    }

    @Test
    void tableWithoutPrimaryKeyHasAnEmptyKey() {
        assertEquals(List.of(), Compile.ok("CREATE TABLE t (a INT)").primaryKey());
    }

    @Test
    void twoInlinePrimaryKeysAreRejectedAtTheSecond() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  a INT PRIMARY KEY,
                  b INT PRIMARY KEY
                )""", "multiple primary keys for table \"t\"");
        assertAt(error, 3, 9, 3, 19);
    }

    @Test
    void inlineAndTableLevelPrimaryKeysAreRejected() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  a INT PRIMARY KEY,
                  b INT,
                  PRIMARY KEY (b)
                )""", "multiple primary keys");
        assertAt(error, 4, 3, 4, 17);
    }

    @Test
    void twoTableLevelPrimaryKeysAreRejected() {
        Compile.error("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a), CONSTRAINT k PRIMARY KEY (b))", "multiple primary keys");
    }

    @Test
    void unknownKeyColumnIsNamedAndPointedAt() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  a INT,
                  PRIMARY KEY (a, missing)
                )""", "PRIMARY KEY column \"missing\" is not a column of the table");
        assertAt(error, 3, 19, 3, 25);
    }

    @Test
    void keyColumnListedTwiceIsRejected() {
        Compile.error("CREATE TABLE t (a INT, PRIMARY KEY (a, A))", "column \"a\" appears more than once in the PRIMARY KEY");
    }

    @Test
    void keyColumnDeclaredNullIsRejected() {
        Compile.error("CREATE TABLE t (a INT NULL, PRIMARY KEY (a))", "declared NULL but belongs to the PRIMARY KEY");
        Compile.error("CREATE TABLE t (a INT NULL PRIMARY KEY)", "conflicting NULL and PRIMARY KEY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRIMARY KEY (a DESC)", "PRIMARY KEY (a) INCLUDE (b)", "PRIMARY KEY (a) DEFERRABLE",
        "PRIMARY KEY (a) USING INDEX TABLESPACE fast"})
    void primaryKeyOptionsAreRejected(String constraint) {
        Compile.error("CREATE TABLE t (a INT, b INT, " + constraint + ")", "PRIMARY KEY options");
    }
}
