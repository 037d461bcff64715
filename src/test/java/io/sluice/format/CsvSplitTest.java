package io.sluice.format;

import static io.sluice.format.Fixtures.column;
import static io.sluice.format.Fixtures.required;
import static io.sluice.format.Fixtures.table;
import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;

/**
 * Byte ranges of one CSV file, read each on its own, give exactly the rows, row numbers and errors
 * of the whole file read at once: boundaries fall on records, never inside a quoted line break.
 */
class CsvSplitTest {
    private static final TableSpec TABLE = table(required("id", BIGINT), column("note", TEXT));

    /** Rows of every awkward kind: quoted line breaks (LF and CRLF), CRLF endings, empty lines, multi-byte text, malformed records. */
    private static String file(boolean header) {
        StringBuilder s = new StringBuilder(header ? "id,note\r\n" : "");
        for (int i = 1; i <= 3000; i++) {
            switch (i % 7) {
                case 0 -> s.append(i).append(",\"two\nlines ").append(i).append("\"\n");
                case 1 -> s.append(i).append(",\"crlf\r\ninside, and \"\"quotes\"\"\"\r\n");
                case 2 -> s.append(i).append(",zwölf €").append(i).append('\n');
                case 3 -> s.append(i).append(",\"closed\"then text\n"); // malformed
                case 4 -> s.append("\n").append(i).append(",after an empty line\n");
                case 5 -> s.append("not a number,").append(i).append('\n'); // type error
                default -> s.append(i).append(",plain\r\n");
            }
        }
        return s.toString();
    }

    private record Outcome(List<List<Object>> rows, List<Long> numbers, List<String> errors) {
    }

    private static Outcome whole(byte[] bytes, Map<String, Object> options) {
        Fixtures.Result r = Fixtures.readAll(Formats.open(SourceFormat.CSV, options, new ByteArrayInputStream(bytes), TABLE,
                Map.of(), 0), TABLE, 128);
        return new Outcome(r.rows(), r.rowNumbers(), r.errors().stream().map(e -> e.row() + ":" + e.error()).toList());
    }

    @ParameterizedTest
    @CsvSource({ "true,1", "true,2", "true,3", "true,4", "true,7", "false,2", "false,5" })
    void rangesReadAloneGiveWhatTheWholeFileGives(boolean header, int parts) {
        Map<String, Object> options = Map.of("header", header);
        byte[] bytes = file(header).getBytes(StandardCharsets.UTF_8);
        Outcome expected = whole(bytes, options);
        long counted = Formats.countRows(SourceFormat.CSV, options, () -> new ByteArrayInputStream(bytes));

        List<ByteRange> ranges = Formats.splitCsv(options, new ByteArrayInputStream(bytes), bytes.length, parts);
        assertEquals(parts, ranges.size(), "a file this size splits as often as asked: " + ranges);
        assertEquals(0, ranges.get(0).start());
        assertEquals(bytes.length, ranges.get(ranges.size() - 1).end());
        String[] fileHeader = header ? Formats.csvHeader(options, new ByteArrayInputStream(bytes)) : null;

        List<List<Object>> rows = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long sum = 0;
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange range = ranges.get(i);
            if (i > 0) {
                assertEquals(ranges.get(i - 1).end(), range.start(), "contiguous");
                assertEquals(ranges.get(i - 1).firstRow() + ranges.get(i - 1).rows(), range.firstRow());
                byte before = bytes[(int) range.start() - 1];
                assertTrue(before == '\n' || before == '\r', "starts after a line break");
            }
            byte[] slice = Arrays.copyOfRange(bytes, (int) range.start(), (int) range.end());
            RowReader reader = Formats.openCsvRange(options, new ByteArrayInputStream(slice), range.start() == 0 ? null : fileHeader,
                    TABLE, Map.of(), 0);
            Fixtures.Result r = Fixtures.readAll(reader, TABLE, 128);
            assertEquals(range.rows(), r.consumed(), "rows of range " + i);
            rows.addAll(r.rows());
            r.rowNumbers().forEach(n -> numbers.add(n + range.firstRow()));
            r.errors().forEach(e -> errors.add((e.row() + range.firstRow()) + ":" + e.error()));
            sum += range.rows();
        }
        assertEquals(counted, sum, "the ranges' rows add up to the file's");
        assertEquals(expected.rows(), rows);
        assertEquals(expected.numbers(), numbers);
        assertEquals(expected.errors(), errors);
        assertTrue(expected.errors().size() > 800, "the file has malformed and invalid rows");
    }

    @ParameterizedTest
    @CsvSource({ "4" })
    void aFileOfOneHugeRecordIsNotCut(int parts) {
        String text = "id,note\n1,\"" + "x\n".repeat(5000) + "\"\n2,short\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<ByteRange> ranges = Formats.splitCsv(Map.of(), new ByteArrayInputStream(bytes), bytes.length, parts);
        assertEquals(2, ranges.size(), "only the record after the long one starts past a target: " + ranges);
        assertEquals(1, ranges.get(0).rows());
        assertEquals(1, ranges.get(1).firstRow());
        assertEquals(1, ranges.get(1).rows());
    }
}
