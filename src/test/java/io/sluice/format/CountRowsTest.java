package io.sluice.format;

import static io.sluice.format.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.spec.SourceFormat;

class CountRowsTest {

    @Test
    void csvCountsRecordsNotLinesAndLeavesOutTheHeader() {
        String text = "id,note\n1,\"two\nlines\"\n2,\"a,b\"\r\n\n3,\"\"\"quoted\"\"\r\nstill\"\n";
        assertEquals(3, Formats.countRows(SourceFormat.CSV, Map.of(), () -> utf8(text)));
        assertEquals(4, Formats.countRows(SourceFormat.CSV, Map.of("header", false), () -> utf8(text)));
    }

    @Test
    void csvCountsMalformedRecordsAsTheReaderDoes() {
        String text = "id,note\n1,\"open\n2,b\n3,\"x\"y\n4,d";
        assertEquals(4, Formats.countRows(SourceFormat.CSV, Map.of(), () -> utf8(text)));
    }

    @Test
    void csvWithOtherDelimiterAndQuote() {
        String text = "a|b\n1|'x|\ny'\n";
        assertEquals(1, Formats.countRows(SourceFormat.CSV, Map.of("delimiter", "|", "quote", "'"), () -> utf8(text)));
    }

    @Test
    void emptyInputs() {
        assertEquals(0, Formats.countRows(SourceFormat.CSV, Map.of(), () -> utf8("")));
        assertEquals(0, Formats.countRows(SourceFormat.CSV, Map.of(), () -> utf8("id\n")));
        assertEquals(0, Formats.countRows(SourceFormat.JSONL, Map.of(), () -> utf8("\n \n")));
    }

    @Test
    void jsonlCountsNonBlankLines() {
        assertEquals(3, Formats.countRows(SourceFormat.JSONL, Map.of(), () -> utf8("{\"a\":1}\n\n  \r\n{\"a\":2}\r\nnot json\n")));
        assertEquals(2, Formats.countRows(SourceFormat.JSONL, Map.of(), () -> utf8("{}\n{}")));
    }

    /**
     * The byte-level count agrees with the reader's own count wherever it gives one, and the count
     * Formats returns always equals the reader's: random text over the characters that matter
     * (delimiters, quotes, CR, LF, multi-byte UTF-8, a byte order mark), a fixed seed per case.
     */
    @Test
    void theByteCountAgreesWithTheReaderOnRandomText() throws IOException {
        String[] pieces = { "a", "b", ",", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "é", "😀", "'", "|", "x,y" };
        int fast = 0;
        for (int seed = 0; seed < 4000; seed++) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder(seed % 7 == 0 ? "\uFEFF" : "");
            for (int i = random.nextInt(40); i > 0; i--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            Map<String, Object> options = seed % 5 == 0 ? Map.of("delimiter", "|", "quote", "'", "header", false)
                    : Map.of("header", false);
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            long exact = readerCount(bytes, CsvOptions.parse(options));
            OptionalLong counted = CsvRecordCount.of(new ByteArrayInputStream(bytes), CsvOptions.parse(options));
            String where = "seed " + seed + ": " + text.toString().replace("\r", "\\r").replace("\n", "\\n");
            if (counted.isPresent()) {
                fast++;
                assertEquals(exact, counted.getAsLong(), where);
            }
            assertEquals(exact, Formats.countRows(SourceFormat.CSV, options, () -> new ByteArrayInputStream(bytes)), where);
        }
        assertTrue(fast > 2000, "the byte count answered only " + fast + " of 4000 cases");
    }

    /**
     * The same over long records (runs of plain bytes, long quoted fields, records across the
     * counter's 64 KiB buffers), where the counter steps over eight bytes at a time.
     */
    @Test
    void theByteCountAgreesWithTheReaderOnLongRecords() throws IOException {
        String[] pieces = { "abcdefghijklmnop", "12345678", "1234567", ",", ",\"\",", ",\"quoted, with\nline breaks \"\" inside\",",
            "\n", "\r", "\r\n", "é😀xyz", "a", " " };
        int fast = 0;
        for (int seed = 0; seed < 600; seed++) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder();
            int pieceCount = seed % 10 == 0 ? 20_000 : random.nextInt(60);
            for (int i = pieceCount; i > 0; i--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            CsvOptions options = CsvOptions.parse(Map.of("header", false));
            long exact = readerCount(bytes, options);
            OptionalLong counted = CsvRecordCount.of(new ByteArrayInputStream(bytes), options);
            if (counted.isPresent()) {
                fast++;
                assertEquals(exact, counted.getAsLong(), "seed " + seed);
            }
        }
        assertTrue(fast > 400, "the byte count answered only " + fast + " of 600 cases");
    }

    private static long readerCount(byte[] bytes, CsvOptions options) throws IOException {
        try (CsvRecords records = new CsvRecords(new ByteArrayInputStream(bytes), options)) {
            records.wantNone();
            long count = 0;
            while (records.next()) {
                count++;
            }
            return count;
        }
    }
}
