package io.sluice.format;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.spec.SourceFormat;

class OptionsTest {

    private static String rejected(SourceFormat format, Map<String, Object> options) {
        return assertThrows(IllegalArgumentException.class, () -> Formats.validateOptions(format, options)).getMessage();
    }

    @Test
    void csvAcceptsItsOptions() {
        assertDoesNotThrow(() -> Formats.validateOptions(SourceFormat.CSV, Map.of("header", false, "delimiter", ";",
                "quote", "'", "null", "\\N", "encoding", "utf-8")));
        assertDoesNotThrow(() -> Formats.validateOptions(SourceFormat.CSV, Map.of("header", "true")));
        assertDoesNotThrow(() -> Formats.validateOptions(SourceFormat.CSV, null));
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("delimiter", null);
        assertDoesNotThrow(() -> Formats.validateOptions(SourceFormat.CSV, withNull));
        assertEquals(new CsvOptions(false, ';', '\'', "\\N"), CsvOptions.parse(Map.of("header", false, "delimiter", ";",
                "quote", "'", "null", "\\N")));
    }

    @Test
    void csvRejectsUnknownOptionsAndBadValues() {
        assertEquals("unknown csv option 'sep' (known: delimiter, encoding, header, null, quote)",
                rejected(SourceFormat.CSV, Map.of("sep", ",")));
        assertEquals("csv option 'header' must be true or false, not 1", rejected(SourceFormat.CSV, Map.of("header", 1)));
        assertEquals("csv option 'delimiter' must be a single character, not ;;", rejected(SourceFormat.CSV, Map.of("delimiter", ";;")));
        assertEquals("csv option 'delimiter' must be a single character, not 44", rejected(SourceFormat.CSV, Map.of("delimiter", 44)));
        assertEquals("csv option 'quote' cannot be a line break", rejected(SourceFormat.CSV, Map.of("quote", "\n")));
        assertEquals("csv options: delimiter and quote must differ, both are '\"'", rejected(SourceFormat.CSV, Map.of("delimiter", "\"")));
        assertEquals("csv option 'encoding': only UTF-8 is supported, not latin1", rejected(SourceFormat.CSV, Map.of("encoding", "latin1")));
        assertEquals("csv option 'null' must be a string, not 0", rejected(SourceFormat.CSV, Map.of("null", 0)));
        assertEquals("csv option 'null' cannot contain the delimiter, the quote or a line break",
                rejected(SourceFormat.CSV, Map.of("null", "a,b")));
    }

    @Test
    void jsonlAndParquetTakeNoOptions() {
        assertDoesNotThrow(() -> Formats.validateOptions(SourceFormat.JSONL, Map.of()));
        assertDoesNotThrow(() -> Formats.validateOptions(SourceFormat.PARQUET, null));
        assertEquals("unknown jsonl option 'header' (jsonl takes no options)", rejected(SourceFormat.JSONL, Map.of("header", true)));
        assertEquals("unknown parquet option 'x' (parquet takes no options)", rejected(SourceFormat.PARQUET, Map.of("x", 1)));
    }

    @Test
    void openRejectsParquetStreamsAndNegativeSkips() {
        var table = Fixtures.table(Fixtures.column("id", io.sluice.pipeline.program.PgType.Kind.BIGINT));
        assertThrows(IllegalArgumentException.class,
                () -> Formats.open(SourceFormat.PARQUET, Map.of(), Fixtures.utf8(""), table, Map.of(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> Formats.open(SourceFormat.CSV, Map.of(), Fixtures.utf8(""), table, Map.of(), -1));
    }
}
