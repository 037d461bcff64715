package io.sluice.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The byte-level {@link CsvRecords} returns what FastCSV (a second, independent parser, read through
 * {@link FastCsvRecords}) returns, record by record: line numbers, field counts, field values and
 * NULLs, malformed records and where parsing resumes after them, the text shown for a record. Random
 * text over the characters that matter (delimiters, quotes, CR, LF, multi-byte UTF-8, invalid
 * UTF-8, a byte order mark, the NULL marker), with single- and multi-byte delimiters and quotes,
 * read in tiny and in normal chunks; a fixed seed per case.
 */
class CsvRecordsEquivalenceTest {
    private static final String[] PIECES = { "a", "b", ",", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "é", "😀",
            "'", "|", "x,y", "§", "\\N", "\uFEFF" };
    private static final List<Map<String, Object>> OPTIONS = List.of(
            Map.of(),
            Map.of("delimiter", "|", "quote", "'"),
            Map.of("delimiter", "§", "quote", "\""),
            Map.of("delimiter", ",", "quote", "é"),
            Map.of("null", "\\N"),
            Map.of("delimiter", "\t"));

    @Test
    void randomTextReadsAsFastCsvReadsIt() throws IOException {
        for (int seed = 0; seed < 20_000; seed++) {
            Random random = new Random(seed);
            ByteArrayOutputBuilder text = new ByteArrayOutputBuilder(seed % 7 == 0 ? "\uFEFF" : "");
            for (int i = random.nextInt(60); i > 0; i--) {
                if (random.nextInt(50) == 0) {
                    // invalid UTF-8, followed by a character (at the very end, FastCSV's decoder would hold it back)
                    text.raw((byte) (0x80 + random.nextInt(0x7F)));
                    text.append("a");
                } else {
                    text.append(PIECES[random.nextInt(PIECES.length)]);
                }
            }
            CsvOptions options = CsvOptions.parse(OPTIONS.get(seed % OPTIONS.size()));
            byte[] bytes = text.bytes();
            String where = "seed " + seed + ": " + new String(bytes, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n");
            int chunk = seed % 3 == 0 ? 1 : seed % 3 == 1 ? 7 : 65536;
            try {
                assertEquals(reference(bytes, options), parsed(bytes, options, chunk), where);
            } catch (AssertionError e) {
                throw new AssertionError(where + " (chunk " + chunk + ", options " + OPTIONS.get(seed % OPTIONS.size()) + "): " + e.getMessage(), e);
            }
        }
    }

    @Test
    void wantedFieldsOnlyAreMaterialized() throws IOException {
        byte[] bytes = "a,b,c\n1,\"x\"\"y\",3\n".getBytes(StandardCharsets.UTF_8);
        try (CsvRecords records = new CsvRecords(new ByteArrayInputStream(bytes), CsvOptions.DEFAULT)) {
            records.want(new boolean[] { false, true });
            records.next();
            assertEquals(Arrays.asList(null, "b"), Arrays.asList(records.field(0), records.field(1)));
            records.next();
            assertEquals(3, records.fieldCount());
            assertEquals("x\"y", records.field(1));
        }
    }

    @Test
    void aRecordOverTheLimitIsMalformedAndTheNextLineIsRead() throws IOException {
        StringBuilder text = new StringBuilder("1,\"open\n");
        while (text.length() <= CsvRecords.MAX_RECORD_BYTES + 100_000) {
            text.append("2,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
        }
        List<String> records = parsed(text.toString().getBytes(StandardCharsets.UTF_8), CsvOptions.DEFAULT, 65536);
        assertEquals("1 1,\"open malformed: Malformed CSV: record longer than 4194304 bytes (a quote not closed?)", records.get(0));
        assertEquals("2 2 2,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx [2, xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]", records.get(1));
    }

    private static List<String> reference(byte[] bytes, CsvOptions options) throws IOException {
        List<String> out = new ArrayList<>();
        try (FastCsvRecords records = new FastCsvRecords(new ByteArrayInputStream(bytes), options)) {
            while (records.next()) {
                out.add(records.describe());
            }
        }
        return out;
    }

    private static List<String> parsed(byte[] bytes, CsvOptions options, int chunk) throws IOException {
        List<String> out = new ArrayList<>();
        try (CsvRecords records = new CsvRecords(new Chunked(bytes, chunk), options)) {
            records.wantAll();
            long[] lineStarts = lineStarts(bytes);
            while (records.next()) {
                assertEquals(lineStarts[(int) records.recordLine()], records.recordOffset(),
                        "offset of the record on line " + records.recordLine());
                if (records.malformed() != null) {
                    out.add(records.recordLine() + " " + records.text() + " malformed: " + records.malformed());
                    continue;
                }
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < records.fieldCount(); i++) {
                    fields.add(records.field(i));
                }
                out.add(records.recordLine() + " " + records.fieldCount() + " " + records.text() + " " + fields);
            }
        }
        return out;
    }

    /** Byte offset of each physical line's start (index: line number from 1; a byte order mark is not part of line 1). */
    private static long[] lineStarts(byte[] bytes) {
        int from = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        List<Long> starts = new ArrayList<>(List.of(0L, (long) from));
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                i++;
            }
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                starts.add((long) i + 1);
            }
        }
        return starts.stream().mapToLong(Long::longValue).toArray();
    }

    /** A stream that returns at most {@code chunk} bytes per read, to cross every buffer boundary. */
    private static final class Chunked extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int pos;

        Chunked(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static final class ByteArrayOutputBuilder {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        ByteArrayOutputBuilder(String start) {
            append(start);
        }

        void append(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void raw(byte b) {
            out.write(b);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
