package io.sluice.format;

import static io.sluice.format.Fixtures.column;
import static io.sluice.format.Fixtures.csv;
import static io.sluice.format.Fixtures.readAll;
import static io.sluice.format.Fixtures.table;
import static io.sluice.format.Fixtures.utf8;
import static io.sluice.format.Fixtures.values;
import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;

class CsvReadingTest {
    private static final TableSpec PEOPLE = table(column("id", BIGINT), column("name", TEXT), column("age", INTEGER));

    @Test
    void headerMapsFieldsByNameIgnoringCaseAndOrder() {
        var result = csv("Age,NAME,extra,id\n30,Ann,x,1\n41,Bob,y,2\n", PEOPLE);
        assertEquals(List.of(values(1L, "Ann", 30), values(2L, "Bob", 41)), result.rows());
        assertEquals(List.of(1L, 2L), result.rowNumbers());
        assertTrue(result.errors().isEmpty());
    }

    @Test
    void columnMissingFromTheHeaderIsNull() {
        var result = csv("id,name\n1,Ann\n", PEOPLE);
        assertEquals(List.of(values(1L, "Ann", null)), result.rows());
    }

    @Test
    void withoutHeaderFieldsMapByPositionAndCountMustMatch() {
        var result = csv("1,Ann,30\n2,Bob\n3,Cy,5,extra\n4,Di,7\n", Map.of("header", false), PEOPLE, Map.of(), 0);
        assertEquals(List.of(values(1L, "Ann", 30), values(4L, "Di", 7)), result.rows());
        assertEquals(List.of(1L, 4L), result.rowNumbers());
        assertEquals(List.of(new RowError(2, null, "2,Bob", "Expected 3 fields, found 2"),
                new RowError(3, null, "3,Cy,5,extra", "Expected 3 fields, found 4")), result.errors());
        assertEquals(4, result.consumed());
        assertEquals(2, result.failed());
    }

    @Test
    void headerFieldCountAppliesToEveryRecord() {
        var result = csv("id,name,age\n1,Ann\n2,Bob,3\n", PEOPLE);
        assertEquals(List.of(values(2L, "Bob", 3)), result.rows());
        assertEquals("Expected 3 fields, found 2", result.error());
    }

    @Test
    void quotedFieldsHoldDelimitersDoubledQuotesAndNewlines() {
        var result = csv("id,name\r\n1,\"Smith, \"\"Jr\"\"\"\r\n2,\"two\r\nlines\nhere\"\r\n3,plain\r\n", PEOPLE);
        assertEquals(List.of(values(1L, "Smith, \"Jr\"", null), values(2L, "two\r\nlines\nhere", null),
                values(3L, "plain", null)), result.rows());
        assertEquals(List.of(1L, 2L, 3L), result.rowNumbers());
    }

    @Test
    void delimiterAndQuoteAreConfigurable() {
        var result = csv("id;name\n1;'a;b'\n2;'it''s'\n", Map.of("delimiter", ";", "quote", "'"), PEOPLE, Map.of(), 0);
        assertEquals(List.of(values(1L, "a;b", null), values(2L, "it's", null)), result.rows());
    }

    @Test
    void tabDelimited() {
        var result = csv("id\tname\n1\tAnn Lee\n", Map.of("delimiter", "\t"), PEOPLE, Map.of(), 0);
        assertEquals(List.of(values(1L, "Ann Lee", null)), result.rows());
    }

    @Test
    void byteOrderMarkIsSkipped() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write("id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_8));
        var reader = Formats.open(SourceFormat.CSV, Map.of(), new ByteArrayInputStream(bytes.toByteArray()), PEOPLE, Map.of(), 0);
        assertEquals(List.of(values(1L, "Zoë", null)), readAll(reader, PEOPLE, 10).rows());
    }

    @Test
    void emptyUnquotedFieldIsNullAndQuotedEmptyIsEmptyText() {
        var result = csv("id,name,age\n1,,\n2,\"\",\n", PEOPLE);
        assertEquals(List.of(values(1L, null, null), values(2L, "", null)), result.rows());
    }

    @Test
    void nullMarkerReplacesTheEmptyFieldRule() {
        var result = csv("id,name,age\n1,\\N,\\N\n2,,5\n3,\"\\N\",6\n", Map.of("null", "\\N"), PEOPLE, Map.of(), 0);
        assertEquals(List.of(values(1L, null, null), values(2L, "", 5), values(3L, "\\N", 6)), result.rows());
    }

    @Test
    void nullMarkerStillLeavesEmptyIntegersInvalid() {
        var result = csv("id,age\n1,\n", Map.of("null", "NULL"), PEOPLE, Map.of(), 0);
        assertEquals(new RowError(1, "age", "", "Expected integer"), result.errors().get(0));
    }

    @Test
    void textAfterAClosingQuoteIsARowErrorAndReadingGoesOn() {
        var result = csv("id,name\n1,\"Ann\"x\n2,Bob\n3,\"Cy\"\n", PEOPLE);
        assertEquals(List.of(values(2L, "Bob", null), values(3L, "Cy", null)), result.rows());
        assertEquals(List.of(2L, 3L), result.rowNumbers());
        assertEquals(List.of(new RowError(1, null, "1,\"Ann\"x", "Malformed CSV: unexpected character after a closing quote")),
                result.errors());
    }

    @Test
    void quoteLeftOpenSwallowsLinesUntilItBreaksThenParsingResumesOnTheNextLine() {
        // the quote opened on line 2 closes on line 4 and is followed by text: malformed; parsing
        // starts over at line 3, so only the broken line is lost
        var result = csv("id,name\n1,\"Ann\n2,Bob\n3,\"Cy\"z\n4,Di\n", PEOPLE);
        assertEquals(List.of(values(2L, "Bob", null), values(4L, "Di", null)), result.rows());
        assertEquals(List.of(2L, 4L), result.rowNumbers());
        assertEquals(List.of(new RowError(1, null, "1,\"Ann", "Malformed CSV: unexpected character after a closing quote"),
                new RowError(3, null, "3,\"Cy\"z", "Malformed CSV: unexpected character after a closing quote")),
                result.errors());
    }

    @Test
    void quoteNeverClosedIsARowErrorAndTheLinesAfterItAreRead() {
        var result = csv("id,name\n1,Ann\n2,\"Bob\n3,Cy\n", PEOPLE);
        assertEquals(List.of(values(1L, "Ann", null), values(3L, "Cy", null)), result.rows());
        assertEquals(List.of(1L, 3L), result.rowNumbers());
        assertEquals(List.of(new RowError(2, null, "2,\"Bob", "Malformed CSV: quote not closed before the end of the file")),
                result.errors());
    }

    @Test
    void malformedLinesAcrossBatchesKeepNumbering() {
        StringBuilder text = new StringBuilder("id,name\n");
        for (int i = 1; i <= 50; i++) {
            text.append(i % 10 == 0 ? i + ",\"bad\"x\n" : i + ",n" + i + "\n");
        }
        var reader = Formats.open(SourceFormat.CSV, Map.of(), utf8(text.toString()), PEOPLE, Map.of(), 0);
        var result = readAll(reader, PEOPLE, 7);
        assertEquals(45, result.rows().size());
        assertEquals(List.of(10L, 20L, 30L, 40L, 50L), result.errors().stream().map(RowError::row).toList());
        assertTrue(result.rowNumbers().stream().noneMatch(n -> n % 10 == 0));
        assertEquals(50, result.consumed());
        assertEquals(List.of(7, 7, 7, 7, 7, 7, 3), result.batchSizes());
    }

    @Test
    void emptyLinesAreNotRows() {
        var result = csv("id,name\n\n1,a\n\n\n2,b\n", PEOPLE);
        assertEquals(List.of(1L, 2L), result.rowNumbers());
    }

    @Test
    void lastLineWithoutNewline() {
        assertEquals(List.of(values(1L, "a", null)), csv("id,name\n1,a", PEOPLE).rows());
    }

    @Test
    void carriageReturnOnlyLineEnds() {
        var result = csv("id,name\r1,a\r2,b\r", PEOPLE);
        assertEquals(List.of(values(1L, "a", null), values(2L, "b", null)), result.rows());
    }

    @Test
    void skipRowsPassesOverDataRowsUncheckedAndKeepsTheirNumbers() {
        var result = csv("id,name\nbad,1\n2,b\n3,c\n", Map.of(), PEOPLE, Map.of(), 2);
        assertEquals(List.of(values(3L, "c", null)), result.rows());
        assertEquals(List.of(3L), result.rowNumbers());
        assertTrue(result.errors().isEmpty());
        assertEquals(3, result.consumed());
    }

    @Test
    void skipRowsCountsMalformedRecordsAsTheFirstReadDid() {
        String text = "id,name\n1,\"a\"x\n2,b\n3,c\n";
        var first = csv(text, PEOPLE);
        assertEquals(List.of(2L, 3L), first.rowNumbers());
        var resumed = csv(text, Map.of(), PEOPLE, Map.of(), 2);
        assertEquals(List.of(3L), resumed.rowNumbers());
    }

    @Test
    void skippingPastTheEndReadsNothing() {
        var result = csv("id,name\n1,a\n", Map.of(), PEOPLE, Map.of(), 5);
        assertTrue(result.rows().isEmpty());
        assertEquals(1, result.consumed());
    }

    @Test
    void emptyInputAndHeaderOnly() {
        assertTrue(csv("", PEOPLE).rows().isEmpty());
        var headerOnly = csv("id,name\n", PEOPLE);
        assertTrue(headerOnly.rows().isEmpty());
        assertEquals(0, headerOnly.consumed());
    }

    @Test
    void batchesFillToCapacityAndRefill() throws IOException {
        StringBuilder text = new StringBuilder("id\n");
        for (int i = 1; i <= 10; i++) {
            text.append(i).append('\n');
        }
        RowBatch batch = new RowBatch(PEOPLE, 4);
        try (RowReader reader = Formats.open(SourceFormat.CSV, Map.of(), utf8(text.toString()), PEOPLE, Map.of(), 0)) {
            assertEquals(4, reader.read(batch, e -> { }));
            assertEquals(4L, batch.column(0)[3]);
            assertEquals(4, reader.rowsConsumed());
            assertEquals(4, reader.read(batch, e -> { }));
            assertEquals(5L, batch.column(0)[0]);
            assertEquals(5, batch.rowNumber(0));
            assertEquals(2, reader.read(batch, e -> { }));
            assertEquals(List.of(9L, 10L), List.of(batch.columnForBinding(0)));
            assertEquals(0, reader.read(batch, e -> { }));
            assertEquals(0, batch.size());
            assertEquals(10, reader.rowsConsumed());
        }
    }

    @Test
    void headerNamingNoColumnIsAFormatError() {
        RowReader reader = Formats.open(SourceFormat.CSV, Map.of(), utf8("a;b\n1;2\n"), PEOPLE, Map.of(), 0);
        var e = assertThrows(FormatException.class, () -> reader.read(new RowBatch(PEOPLE, 10), err -> { }));
        assertTrue(e.getMessage().startsWith("CSV header names none of the columns of table t (id, name, age)"), e.getMessage());
    }

    @Test
    void headerNamingAColumnTwiceIsAFormatError() {
        RowReader reader = Formats.open(SourceFormat.CSV, Map.of(), utf8("id,ID\n1,2\n"), PEOPLE, Map.of(), 0);
        var e = assertThrows(FormatException.class, () -> reader.read(new RowBatch(PEOPLE, 10), err -> { }));
        assertEquals("CSV header: fields 'id' and 'ID' both name column id", e.getMessage());
    }

    @Test
    void malformedHeaderIsAFormatError() {
        RowReader reader = Formats.open(SourceFormat.CSV, Map.of(), utf8("\"id\"x,name\n1,2\n"), PEOPLE, Map.of(), 0);
        var e = assertThrows(FormatException.class, () -> reader.read(new RowBatch(PEOPLE, 10), err -> { }));
        assertTrue(e.getMessage().startsWith("CSV header: Malformed CSV"), e.getMessage());
    }

    @Test
    void longValuesAreCutInErrorReports() {
        String longName = "x".repeat(500);
        var result = csv("id,name\n" + longName + ",a\n", PEOPLE);
        assertEquals(new RowError(1, "id", "x".repeat(RowError.MAX_VALUE_LENGTH), "Expected integer"), result.errors().get(0));
    }
}
