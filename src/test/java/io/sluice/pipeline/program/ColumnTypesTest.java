package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.Compile.assertAt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnTypesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "BIGINT | bigint | BIGINT",
        "int8 | bigint | BIGINT",
        "INT | integer | INTEGER",
        "integer | integer | INTEGER",
        "Int4 | integer | INTEGER",
        "SMALLINT | smallint | SMALLINT",
        "int2 | smallint | SMALLINT",
        "TINYINT | smallint | SMALLINT",
        "BOOLEAN | boolean | BOOLEAN",
        "bool | boolean | BOOLEAN",
        "REAL | real | REAL",
        "float4 | real | REAL",
        "DOUBLE | double precision | DOUBLE",
        "DOUBLE PRECISION | double precision | DOUBLE",
        "double   precision | double precision | DOUBLE",
        "FLOAT8 | double precision | DOUBLE",
        "FLOAT | double precision | DOUBLE",
        "DECIMAL(10,2) | numeric(10,2) | NUMERIC",
        "NUMERIC(10, 2) | numeric(10,2) | NUMERIC",
        "numeric ( 38 , 0 ) | numeric(38,0) | NUMERIC",
        "NUMERIC(10) | numeric(10,0) | NUMERIC",
        "DECIMAL | numeric | NUMERIC",
        "NUMERIC | numeric | NUMERIC",
        "NUMERIC(1000,1000) | numeric(1000,1000) | NUMERIC",
        "NUMERIC(1,0) | numeric(1,0) | NUMERIC",
        "VARCHAR(20) | character varying(20) | VARCHAR",
        "CHARACTER VARYING(20) | character varying(20) | VARCHAR",
        "VARCHAR | text | TEXT",
        "CHARACTER VARYING | text | TEXT",
        "STRING | text | TEXT",
        "TEXT | text | TEXT",
        "CHAR(3) | character(3) | CHAR",
        "CHARACTER(3) | character(3) | CHAR",
        "CHAR | character(1) | CHAR",
        "DATE | date | DATE",
        "TIME | time without time zone | TIME",
        "TIME WITHOUT TIME ZONE | time without time zone | TIME",
        "TIME(3) | time(3) without time zone | TIME",
        "TIMESTAMP | timestamp without time zone | TIMESTAMP",
        "TIMESTAMP WITHOUT TIME ZONE | timestamp without time zone | TIMESTAMP",
        "TIMESTAMP(6) | timestamp(6) without time zone | TIMESTAMP",
        "TIMESTAMP(0) WITHOUT TIME ZONE | timestamp(0) without time zone | TIMESTAMP",
        "TIMESTAMP WITH TIME ZONE | timestamp with time zone | TIMESTAMPTZ",
        "TIMESTAMPTZ | timestamp with time zone | TIMESTAMPTZ",
        "TIMESTAMP(3) WITH TIME ZONE | timestamp(3) with time zone | TIMESTAMPTZ",
        "UUID | uuid | UUID",
        "JSON | jsonb | JSONB",
        "JSONB | jsonb | JSONB",
        "VARIANT | jsonb | JSONB",
        "BYTEA | bytea | BYTEA",
        "BINARY | bytea | BYTEA",
        "VARBINARY | bytea | BYTEA",
        "INTERVAL | interval | INTERVAL",
    })
    void everySynonymMapsToItsPostgresType(String declared, String sql, PgType.Kind kind) {
        PgType type = Compile.ok("CREATE TABLE t (c " + declared + ")").columns().get(0).type();
        assertEquals(sql, type.sql());
        assertEquals(kind, type.kind());
    }

    @Test
    void modifiersAreKeptForLoaders() {
        TableSpec table = Compile.ok("CREATE TABLE t (n NUMERIC(12,3), v VARCHAR(40), c CHAR(2), ts TIMESTAMP(3), d DECIMAL)");
        assertEquals(PgType.numeric(12, 3), Compile.column(table, "n").type());
        assertEquals(40, Compile.column(table, "v").type().length());
        assertEquals(2, Compile.column(table, "c").type().length());
        assertEquals(3, Compile.column(table, "ts").type().precision());
        assertEquals(PgType.of(PgType.Kind.NUMERIC), Compile.column(table, "d").type());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FOO", "SERIAL", "BIGSERIAL", "MONEY", "BIT(3)", "TIME WITH TIME ZONE",
        "TIMESTAMP WITH LOCAL TIME ZONE", "INT4RANGE", "pg_catalog.int4", "\"int\"", "XML"})
    void unknownTypesAreRejectedNamingColumnAndType(String declared) {
        SqlError error = Compile.error("CREATE TABLE t (a INT, b " + declared + ")", "is not supported");
        assertEquals(true, error.message().startsWith("column \"b\": type "), error.message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INT[] | array types",
        "TEXT[][] | array types",
        "INT ARRAY[3] | array types",
        "NUMERIC(0) | precision must be between 1 and 1000",
        "NUMERIC(1001) | precision must be between 1 and 1000",
        "NUMERIC(5,6) | scale must be between 0 and the precision 5",
        "NUMERIC(5,2,1) | unexpected \",\"",
        "VARCHAR(0) | length must be between 1 and 10485760",
        "VARCHAR(10485761) | length must be between 1 and 10485760",
        "VARCHAR(MAX) | not a valid length",
        "CHAR(0) | length must be between 1",
        "TIMESTAMP(7) | precision must be between 0 and 6",
        "TIME(3,1) | takes a single precision",
        "FLOAT(10) | takes no length or precision",
        "DOUBLE PRECISION(3) | takes no length or precision",
        "INT(11) | takes no length or precision",
        "INT UNSIGNED | is not supported",
        "VARCHAR(10) CHARACTER SET utf8 | is not supported",
        "INTERVAL YEAR | is not supported",
        "NATIONAL CHAR(3) | is not supported",
    })
    void invalidModifiersAreRejected(String declared, String reason) {
        Compile.error("CREATE TABLE t (b " + declared + ")", reason);
    }

    @Test
    void typeErrorPointsAtTheTypeOnItsLine() {
        SqlError error = Compile.error("""
                CREATE TABLE t (
                  id BIGINT,
                  price  NUMERIC(2000, 2) NOT NULL,
                  name TEXT
                )""", "column \"price\"");
        assertAt(error, 3, 10, 3, 25);
        assertEquals("  price  NUMERIC(2000, 2) NOT NULL,", error.snippet());
    }

    @Test
    void multiWordTypeErrorSpansAllItsWords() {
        SqlError error = Compile.error("CREATE TABLE t (\n\tts TIME WITH TIME ZONE\n)", "TIME WITH TIME ZONE");
        assertAt(error, 2, 5, 2, 23);
    }
}
