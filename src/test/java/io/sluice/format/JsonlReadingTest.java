package io.sluice.format;

import static io.sluice.format.Fixtures.column;
import static io.sluice.format.Fixtures.jsonl;
import static io.sluice.format.Fixtures.readAll;
import static io.sluice.format.Fixtures.table;
import static io.sluice.format.Fixtures.utf8;
import static io.sluice.format.Fixtures.values;
import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.BOOLEAN;
import static io.sluice.pipeline.program.PgType.Kind.DOUBLE;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.SMALLINT;
import static io.sluice.pipeline.program.PgType.Kind.JSONB;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMPTZ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.spec.ValidationRule;

import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;

class JsonlReadingTest {
    private static final TableSpec EVENTS = table(column("id", BIGINT), column("name", TEXT), column("ok", BOOLEAN),
            column("score", DOUBLE), column("payload", JSONB), column("at", TIMESTAMPTZ));

    @Test
    void keysMapToColumnsIgnoringCaseAndExtraKeysAreIgnored() {
        var result = jsonl("{\"ID\": 1, \"Name\": \"Ann\", \"ok\": true, \"score\": 1.5, \"extra\": {\"deep\": [1]},"
                + " \"at\": \"2024-03-30T10:00:00Z\"}\n", EVENTS);
        assertEquals(List.of(values(1L, "Ann", true, 1.5, null, OffsetDateTime.parse("2024-03-30T10:00:00Z"))), result.rows());
    }

    @Test
    void missingKeysAndNullsAreNull() {
        var result = jsonl("{\"id\": 1}\n{\"id\": 2, \"name\": null}\n", EVENTS);
        assertEquals(List.of(values(1L, null, null, null, null, null), values(2L, null, null, null, null, null)), result.rows());
    }

    @Test
    void scalarsConvertFromStringsAndNumbersFromText() {
        var result = jsonl("{\"id\": \"7\", \"name\": 42, \"ok\": \"yes\", \"score\": \"2.5\"}\n", EVENTS);
        assertEquals(List.of(values(7L, "42", true, 2.5, null, null)), result.rows());
    }

    /**
     * JSON integers go to integer columns as numbers, not through their text: the rows and errors must be
     * exactly those of the same digits read as CSV text (ranges of the types, a range rule, beyond long).
     */
    @Test
    void integersConvertAsTheSameDigitsAsTextDo() {
        TableSpec numbers = table(column("s", SMALLINT), column("i", INTEGER), column("b", BIGINT));
        Map<String, List<ValidationRule>> rules = Map.of("i", List.of(new ValidationRule(ValidationRule.Kind.RANGE, null,
                BigDecimal.valueOf(-1000), BigDecimal.valueOf(1_000_000), null, null)));
        String[] edges = { "0", "-1", "32767", "32768", "-32768", "-32769", "2147483647", "2147483648", "-2147483649",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999", "1000000", "1000001" };
        Random random = new Random(42);
        StringBuilder json = new StringBuilder();
        StringBuilder csv = new StringBuilder("s,i,b\n");
        for (int row = 0; row < 3000; row++) {
            String[] v = new String[3];
            for (int c = 0; c < 3; c++) {
                v[c] = random.nextInt(4) == 0 ? edges[random.nextInt(edges.length)]
                        : Long.toString(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(70_000) - 35_000);
            }
            json.append("{\"s\": ").append(v[0]).append(", \"i\": ").append(v[1]).append(", \"b\": ").append(v[2]).append("}\n");
            csv.append(String.join(",", v)).append('\n');
        }
        var fromJson = readAll(Formats.open(SourceFormat.JSONL, Map.of(), utf8(json.toString()), numbers, rules, 0), numbers, 100);
        var fromText = readAll(Formats.open(SourceFormat.CSV, Map.of("header", true), utf8(csv.toString()), numbers, rules, 0), numbers, 100);
        assertEquals(fromText.rows(), fromJson.rows());
        assertEquals(fromText.rowNumbers(), fromJson.rowNumbers());
        assertEquals(fromText.errors(), fromJson.errors());
        assertTrue(fromJson.errors().size() > 100 && fromJson.rows().size() > 100, "both kinds of outcome were tried");
    }

    @Test
    void jsonbTakesAnyValueVerbatimAndOthersRefuseObjects() {
        var result = jsonl("{\"id\": 1, \"payload\": {\"a\": [1, 2.50, 0.1000000000000000055511151231257827]}}\n"
                + "{\"id\": 2, \"payload\": \"text\"}\n"
                + "{\"id\": 3, \"payload\": 12.50}\n"
                + "{\"id\": 4, \"name\": {\"not\": \"text\"}}\n"
                + "{\"id\": [5]}\n", EVENTS);
        assertEquals(List.of("{\"a\": [1, 2.50, 0.1000000000000000055511151231257827]}", "\"text\"", "12.50"),
                result.rows().stream().map(row -> row.get(4)).toList());
        assertEquals(List.of(new RowError(4, "name", null, "Expected text, found a JSON object"),
                new RowError(5, "id", null, "Expected bigint, found a JSON array")), result.errors());
    }

    @Test
    void linesThatAreNotOneObjectAreRowErrorsAndReadingGoesOn() {
        var result = jsonl("{\"id\": 1}\n[1, 2]\n{\"id\": 3\n\"text\"\n{\"id\": 5} {\"id\": 6}\n{\"id\": 7, \"name\": \"ok\"}\n", EVENTS);
        assertEquals(List.of(1L, 7L), result.rows().stream().map(row -> (Long) row.get(0)).toList());
        assertEquals(List.of(1L, 6L), result.rowNumbers());
        assertEquals(List.of(2L, 3L, 4L, 5L), result.errors().stream().map(RowError::row).toList());
        assertTrue(result.errors().stream().allMatch(e -> e.column() == null), result.errors()::toString);
        assertEquals("Expected a JSON object", result.errors().get(0).error());
        assertTrue(result.errors().get(1).error().startsWith("Malformed JSON: "), result.errors().get(1).error());
        assertEquals("[1, 2]", result.errors().get(0).value());
        assertEquals("Expected one JSON object per line", result.errors().get(3).error());
    }

    @Test
    void malformedLineReplacesTheErrorsOfItsEarlierValues() {
        var result = jsonl("{\"id\": \"x\", \"name\": \n", EVENTS);
        assertEquals(1, result.errors().size());
        assertTrue(result.errors().get(0).error().startsWith("Malformed JSON"));
    }

    @Test
    void blankLinesAreNotRowsAndCrlfIsFine() {
        var result = jsonl("\r\n{\"id\": 1}\r\n   \n\n{\"id\": 2}", EVENTS);
        assertEquals(List.of(1L, 2L), result.rowNumbers());
    }

    @Test
    void byteOrderMarkIsSkipped() {
        byte[] body = "{\"id\": 1}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        var reader = Formats.open(SourceFormat.JSONL, Map.of(), new ByteArrayInputStream(bytes), EVENTS, Map.of(), 0);
        assertEquals(List.of(1L), readAll(reader, EVENTS, 10).rowNumbers());
    }

    @Test
    void skipRowsAndNumberingAcrossBatches() {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            text.append(i == 6 ? "oops\n" : "{\"id\": " + i + "}\n").append(i % 4 == 0 ? "\n" : "");
        }
        var reader = Formats.open(SourceFormat.JSONL, Map.of(), utf8(text.toString()), EVENTS, Map.of(), 3);
        var result = readAll(reader, EVENTS, 4);
        assertEquals(List.of(4L, 5L, 7L, 8L, 9L, 10L, 11L, 12L), result.rowNumbers());
        assertEquals(List.of(4, 4), result.batchSizes());
        assertEquals(List.of(6L), result.errors().stream().map(RowError::row).toList());
        assertEquals(12, result.consumed());
    }

    @Test
    void invalidUtf8IsAMalformedLine() {
        byte[] bytes = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '"', '}', '\n', '{', '}', '\n'};
        var reader = Formats.open(SourceFormat.JSONL, Map.of(), new ByteArrayInputStream(bytes), EVENTS, Map.of(), 0);
        var result = readAll(reader, EVENTS, 10);
        assertEquals(List.of(2L), result.rowNumbers());
        assertTrue(result.errors().get(0).error().startsWith("Malformed JSON"), result.errors().toString());
    }
}
