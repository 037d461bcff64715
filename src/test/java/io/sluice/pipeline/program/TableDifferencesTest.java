package io.sluice.pipeline.program;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableDifferencesTest {

    private static final TableSpec TABLE = Compile.ok(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL, price NUMERIC(10,2), at TIMESTAMP)");

    private static List<ExistingColumn> matching() {
        return new ArrayList<>(List.of(
                new ExistingColumn("id", "bigint", true),
                new ExistingColumn("name", "character varying(20)", true),
                new ExistingColumn("price", "numeric(10,2)", false),
                new ExistingColumn("at", "timestamp without time zone", false)));
    }

    @Test
    void matchingTableHasNoDifferences() {
        assertEquals(List.of(), TABLE.differencesFrom(matching()));
    }

    @Test
    void columnOrderDoesNotMatter() {
        List<ExistingColumn> shuffled = matching();
        Collections.reverse(shuffled);
        assertEquals(List.of(), TABLE.differencesFrom(shuffled));
    }

    @Test
    void missingColumnIsReported() {
        List<ExistingColumn> existing = matching();
        existing.remove(1);
        assertEquals(List.of("column \"name\" (character varying(20) NOT NULL) is missing from the existing table"),
                TABLE.differencesFrom(existing));
    }

    @Test
    void extraColumnIsReported() {
        List<ExistingColumn> existing = matching();
        existing.add(new ExistingColumn("legacy", "text", false));
        assertEquals(List.of("the existing table has a column \"legacy\" (text) that the program does not declare"),
                TABLE.differencesFrom(existing));
    }

    @Test
    void typeMismatchIsReported() {
        List<ExistingColumn> existing = matching();
        existing.set(2, new ExistingColumn("price", "numeric(12,2)", false));
        assertEquals(List.of("column \"price\" has type numeric(12,2) in the existing table, the program declares numeric(10,2)"),
                TABLE.differencesFrom(existing));
    }

    @Test
    void nullabilityMismatchIsReportedBothWays() {
        List<ExistingColumn> existing = matching();
        existing.set(1, new ExistingColumn("name", "character varying(20)", false));
        existing.set(3, new ExistingColumn("at", "timestamp without time zone", true));
        assertEquals(List.of(
                "column \"name\" is nullable in the existing table, the program declares it NOT NULL",
                "column \"at\" is NOT NULL in the existing table, the program declares it nullable"),
                TABLE.differencesFrom(existing));
    }

    @Test
    void namesCompareExactlyAsPostgresStoresThem() {
        List<ExistingColumn> existing = matching();
        existing.set(0, new ExistingColumn("ID", "bigint", true));
        assertEquals(2, TABLE.differencesFrom(existing).size());
    }

    @Test
    void emptyExistingTableMissesEveryColumn() {
        assertEquals(4, TABLE.differencesFrom(List.of()).size());
    }
}
