package io.sluice.pipeline.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableSpecTest {

    private static final TableSpec CUSTOMERS = Compile.ok("""
            CREATE TABLE Customers (
              id BIGINT PRIMARY KEY,
              "Email" VARCHAR(320) NOT NULL,
              balance DECIMAL(12,2),
              joined TIMESTAMPTZ
            )""");

    @Test
    void createTableSqlQuotesEveryIdentifier() {
        assertEquals("CREATE TABLE IF NOT EXISTS \"sluice\".\"customers\" (\"id\" bigint NOT NULL,"
                + " \"Email\" character varying(320) NOT NULL, \"balance\" numeric(12,2),"
                + " \"joined\" timestamp with time zone, PRIMARY KEY (\"id\"))", CUSTOMERS.createTableSql("sluice"));
    }

    @Test
    void createTableSqlWithoutKeyHasNoKeyClause() {
        assertEquals("CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"a\" integer)",
                Compile.ok("CREATE TABLE t (a INT)").createTableSql("s"));
    }

    @Test
    void createTableSqlListsCompositeKeyInOrder() {
        assertEquals("CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"a\" integer NOT NULL, \"b\" text NOT NULL,"
                        + " PRIMARY KEY (\"b\", \"a\"))",
                Compile.ok("CREATE TABLE t (a INT, b TEXT, PRIMARY KEY (b, a))").createTableSql("s"));
    }

    @Test
    void quoteDoublesEmbeddedQuotes() {
        assertEquals("\"plain\"", TableSpec.quote("plain"));
        assertEquals("\"Mixed\"", TableSpec.quote("Mixed"));
        assertEquals("\"a\"\"b\"", TableSpec.quote("a\"b"));
        assertEquals("\"x\"\"; DROP TABLE y; --\"", TableSpec.quote("x\"; DROP TABLE y; --"));
    }

    @Test
    void quoteRefusesWhatPostgresCannotName() {
        assertThrows(IllegalArgumentException.class, () -> TableSpec.quote(""));
        assertThrows(IllegalArgumentException.class, () -> TableSpec.quote("a\0b"));
        assertThrows(NullPointerException.class, () -> TableSpec.quote(null));
    }

    @Test
    void createTableSqlQuotesTheSchemaToo() {
        TableSpec table = new TableSpec("t", List.of(new ColumnSpec("a", PgType.of(PgType.Kind.TEXT), false)), List.of());
        assertEquals("CREATE TABLE IF NOT EXISTS \"we\"\"ird\".\"t\" (\"a\" text)", table.createTableSql("we\"ird"));
    }

    @Test
    void programInfoDescribesTheTableInSnakeCase() {
        assertEquals(Map.of(
                "table", "customers",
                "columns", List.of(
                        Map.of("name", "id", "type", "bigint", "nullable", false),
                        Map.of("name", "Email", "type", "character varying(320)", "nullable", false),
                        Map.of("name", "balance", "type", "numeric(12,2)", "nullable", true),
                        Map.of("name", "joined", "type", "timestamp with time zone", "nullable", true)),
                "primary_key", List.of("id")), CUSTOMERS.programInfo());
        assertEquals(List.of("table", "columns", "primary_key"), List.copyOf(CUSTOMERS.programInfo().keySet()));
    }

    @Test
    void listsAreCopiedAndImmutable() {
        assertThrows(UnsupportedOperationException.class, () -> CUSTOMERS.columns().clear());
        assertThrows(UnsupportedOperationException.class, () -> CUSTOMERS.primaryKey().clear());
    }
}
