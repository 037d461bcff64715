package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.PgType.Kind.CHAR;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.NUMERIC;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMPTZ;
import static io.sluice.pipeline.program.PgType.Kind.VARCHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PgTypeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BIGINT | bigint", "INTEGER | integer", "SMALLINT | smallint", "BOOLEAN | boolean", "REAL | real",
        "DOUBLE | double precision", "NUMERIC | numeric", "TEXT | text", "VARCHAR | character varying",
        "DATE | date", "TIME | time without time zone", "TIMESTAMP | timestamp without time zone",
        "TIMESTAMPTZ | timestamp with time zone", "UUID | uuid", "JSONB | jsonb", "BYTEA | bytea", "INTERVAL | interval",
    })
    void plainTypesPrintAsFormatType(PgType.Kind kind, String sql) {
        assertEquals(sql, PgType.of(kind).sql());
    }

    @Test
    void modifiersPrintAsFormatType() {
        assertEquals("numeric(10,0)", PgType.numeric(10, 0).sql());
        assertEquals("character varying(5)", PgType.withLength(VARCHAR, 5).sql());
        assertEquals("character(1)", PgType.withLength(CHAR, 1).sql());
        assertEquals("timestamp(0) with time zone", PgType.withSecondsPrecision(TIMESTAMPTZ, 0).sql());
    }

    @ParameterizedTest
    @EnumSource(value = PgType.Kind.class, names = {"NUMERIC", "VARCHAR", "CHAR", "TIME", "TIMESTAMP", "TIMESTAMPTZ"},
            mode = EnumSource.Mode.EXCLUDE)
    void typesWithoutModifiersRefuseThem(PgType.Kind kind) {
        assertThrows(IllegalArgumentException.class, () -> PgType.withLength(kind, 3));
        assertThrows(IllegalArgumentException.class, () -> PgType.withSecondsPrecision(kind, 3));
    }

    @Test
    void impossibleCombinationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PgType(NUMERIC, 10, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PgType(NUMERIC, null, 2, null));
        assertThrows(IllegalArgumentException.class, () -> new PgType(TEXT, null, null, 4));
        assertThrows(IllegalArgumentException.class, () -> new PgType(INTEGER, 3, null, null));
        assertThrows(NullPointerException.class, () -> PgType.of(null));
    }
}
