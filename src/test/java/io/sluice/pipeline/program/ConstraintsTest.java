package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.Compile.assertAt;
import static io.sluice.pipeline.program.Compile.column;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConstraintsTest {

    @Test
    void notNullAndNullAreHonoured() {
        TableSpec table = Compile.ok("CREATE TABLE t (a INT NOT NULL, b INT NULL, c INT, d INT CONSTRAINT d_nn NOT NULL)");
        assertTrue(column(table, "a").notNull());
        assertFalse(column(table, "b").notNull());
        assertFalse(column(table, "c").notNull());
        assertTrue(column(table, "d").notNull());
    }

    @Test
    void repeatedNotNullIsHarmless() {
        assertTrue(Compile.ok("CREATE TABLE t (a INT NOT NULL NOT NULL)").columns().get(0).notNull());
    }

    @Test
    void conflictingNullAndNotNullAreRejected() {
        SqlError error = Compile.error("CREATE TABLE t (\n  a INT NOT NULL NULL\n)", "conflicting NULL and NOT NULL");
        assertAt(error, 2, 9, 2, 21);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "DEFAULT 0 | DEFAULT values are not supported",
        "NOT NULL DEFAULT 'x' | DEFAULT values are not supported",
        "CHECK (b > 0) | CHECK constraints are not supported",
        "CONSTRAINT positive CHECK (b > 0) | CHECK constraints are not supported",
        "UNIQUE | UNIQUE constraints are not supported",
        "REFERENCES other (id) | foreign keys are not supported",
        "COLLATE \"C\" | COLLATE is not supported",
        "GENERATED ALWAYS AS IDENTITY | generated and identity columns",
        "AUTO_INCREMENT | generated and identity columns",
        "COMMENT 'note' | \"COMMENT\" is not supported",
    })
    void columnConstraintsThatWouldChangeBehaviourAreRejected(String constraint, String reason) {
        Compile.error("CREATE TABLE t (a INT, b INT " + constraint + ")", "column \"b\": " + reason);
    }

    @Test
    void rejectedColumnConstraintIsPointedAtFromItsKeyword() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  id BIGINT PRIMARY KEY,
                  qty INT NOT NULL DEFAULT 1
                )""", "DEFAULT");
        assertAt(error, 3, 20, 3, 28);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UNIQUE (a) | UNIQUE constraints are not supported",
        "CONSTRAINT u UNIQUE (a, b) | UNIQUE constraints are not supported",
        "CHECK (a < b) | CHECK constraints are not supported",
        "FOREIGN KEY (a) REFERENCES other (id) | foreign keys are not supported",
        "EXCLUDE USING gist (a WITH =) | EXCLUDE constraints are not supported",
        "INDEX idx (a) | indexes cannot be declared",
        "KEY idx (b) | indexes cannot be declared",
    })
    void tableConstraintsOtherThanThePrimaryKeyAreRejected(String constraint, String reason) {
        Compile.error("CREATE TABLE t (a INT, b INT, " + constraint + ")", reason);
    }

    @Test
    void rejectedTableConstraintIsPointedAtAsAWhole() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  a INT,
                  b INT,
                  CHECK (a < b)
                )""", "CHECK");
        assertAt(error, 4, 3, 4, 15);
    }
}
