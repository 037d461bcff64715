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
                + " \"joined\" timestamp with time zone, \"_sluice_file_id\" bigint, \"_sluice_row\" bigint, PRIMARY KEY (\"id\"))", CUSTOMERS.createTableSql("sluice"));
    }

    @Test
    void createTableSqlWithoutKeyHasNoKeyClause() {
        assertEquals("CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"a\" integer, \"_sluice_file_id\" bigint, \"_sluice_row\" bigint)",
                Compile.ok("CREATE TABLE t (a INT)").createTableSql("s"));
    }

    @Test
    void createTableSqlListsCompositeKeyInOrder() {
        assertEquals("CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"a\" integer NOT NULL, \"b\" text NOT NULL,"
                        + " \"_sluice_file_id\" bigint, \"_sluice_row\" bigint, PRIMARY KEY (\"b\", \"a\"))",
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
        assertEquals("CREATE TABLE IF NOT EXISTS \"we\"\"ird\".\"t\" (\"a\" text, \"_sluice_file_id\" bigint, \"_sluice_row\" bigint)", table.createTableSql("we\"ird"));
    }

    @Test
    void programInfoDescribesTheTableAsFelderasInputRelation() {
        Map<String, Object> info = CUSTOMERS.programInfo();
        assertEquals(List.of("schema", "udf_stubs", "input_connectors", "output_connectors"), List.copyOf(info.keySet()));
        Map<?, ?> schema = (Map<?, ?>) info.get("schema");
        assertEquals(List.of(), schema.get("outputs"));
        Map<?, ?> relation = (Map<?, ?>) ((List<?>) schema.get("inputs")).get(0);
        assertEquals("customers", relation.get("name"));
        assertEquals(false, relation.get("case_sensitive"));
        assertEquals(false, relation.get("materialized"));
        assertEquals(List.of("id"), relation.get("primary_key"));
        List<?> fields = (List<?>) relation.get("fields");
        assertEquals(Map.of("name", "id", "case_sensitive", false, "unused", false,
                "columntype", type("BIGINT", false, null, null)), fields.get(0));
        assertEquals(Map.of("name", "Email", "case_sensitive", true, "unused", false,
                "columntype", type("VARCHAR", false, 320, null)), fields.get(1));
        assertEquals(type("DECIMAL", true, 12, 2), ((Map<?, ?>) fields.get(2)).get("columntype"));
        assertEquals(type("TIMESTAMP_TZ", true, 0, null), ((Map<?, ?>) fields.get(3)).get("columntype"));
    }

    private static Map<String, Object> type(String type, boolean nullable, Integer precision, Integer scale) {
        Map<String, Object> columnType = new java.util.LinkedHashMap<>();
        columnType.put("type", type);
        columnType.put("nullable", nullable);
        columnType.put("precision", precision);
        columnType.put("scale", scale);
        return columnType;
    }

    @Test
    void listsAreCopiedAndImmutable() {
        assertThrows(UnsupportedOperationException.class, () -> CUSTOMERS.columns().clear());
        assertThrows(UnsupportedOperationException.class, () -> CUSTOMERS.primaryKey().clear());
    }
}
