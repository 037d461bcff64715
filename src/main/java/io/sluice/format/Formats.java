package io.sluice.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

import org.apache.parquet.hadoop.ParquetFileReader;

import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.ValidationRule;

/**
 * Source files to batches of typed rows of a {@link TableSpec}: CSV, JSON Lines and Parquet, in
 * bounded memory, every invalid row reported as {@link RowError}s and left out. Blocking; run on a
 * worker thread. See {@link RowBatch} for the Java types per column type.
 */
public final class Formats {

    private Formats() {
    }

    /**
     * Checks a source's format options. csv: {@code header} (boolean, default true), {@code delimiter}
     * (one character, default ','), {@code quote} (one character, default '"'), {@code null} (the
     * unquoted text meaning NULL; default: an empty unquoted field is NULL), {@code encoding} (UTF-8
     * only; a BOM is skipped). jsonl and parquet take none.
     *
     * @throws IllegalArgumentException naming the unknown option or bad value
     */
    public static void validateOptions(SourceFormat format, Map<String, Object> options) {
        Objects.requireNonNull(format, "format");
        if (format == SourceFormat.CSV) {
            CsvOptions.parse(options);
        } else if (options != null && !options.isEmpty()) {
            throw new IllegalArgumentException("unknown " + format + " option '" + options.keySet().iterator().next()
                    + "' (" + format + " takes no options)");
        }
    }

    /**
     * Reads csv or jsonl from a stream, which the reader closes.
     *
     * @param validation per-column rules by column name (may be null)
     * @param skipRows   data rows to pass over first, unconverted and unreported (resuming after a
     *                   checkpoint); {@link RowReader#rowsConsumed()} counts them
     * @throws IllegalArgumentException for bad options or rules, or for parquet (use {@link #openParquet})
     */
    public static RowReader open(SourceFormat format, Map<String, Object> options, InputStream in, TableSpec table,
            Map<String, List<ValidationRule>> validation, long skipRows) {
        Objects.requireNonNull(in, "in");
        validateOptions(format, options);
        RowAssembler rows = new RowAssembler(table, validation);
        return switch (format) {
            case CSV -> new CsvRowReader(in, CsvOptions.parse(options), rows, checkSkip(skipRows), null);
            case JSONL -> new JsonlRowReader(in, rows, checkSkip(skipRows));
            case PARQUET -> throw new IllegalArgumentException("parquet needs a seekable file: use openParquet");
        };
    }

    /**
     * Reads one {@link ByteRange} of a CSV file from a stream of just those bytes, which the reader
     * closes. With the header option, {@code header} is the file's header ({@link #csvHeader}) when
     * the range does not start the file, null when it does. Row numbers count from the range's start.
     */
    public static RowReader openCsvRange(Map<String, Object> options, InputStream range, String[] header, TableSpec table,
            Map<String, List<ValidationRule>> validation, long skipRows) {
        Objects.requireNonNull(range, "range");
        return new CsvRowReader(range, CsvOptions.parse(options), new RowAssembler(table, validation), checkSkip(skipRows),
                header);
    }

    /** The header of a CSV stream, or null when the options say it has none (or it is empty); closes the stream. */
    public static String[] csvHeader(Map<String, Object> options, InputStream in) {
        CsvOptions csv = CsvOptions.parse(options);
        try (CsvRecords records = new CsvRecords(in, csv)) {
            if (!csv.header()) {
                return null;
            }
            records.wantAll();
            if (!records.next() || records.malformed() != null) {
                return null;
            }
            String[] fields = new String[records.fieldCount()];
            java.util.Arrays.setAll(fields, records::field);
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits a CSV file of {@code size} bytes into at most {@code parts} byte ranges of similar size,
     * each starting at a record boundary found by parsing the whole file (quoted line breaks are
     * never mistaken for one), with their data row counts. Reads the stream to its end and closes it.
     * Fewer ranges come back when records are too large to cut the file that often.
     */
    public static List<ByteRange> splitCsv(Map<String, Object> options, InputStream in, long size, int parts) {
        CsvOptions csv = CsvOptions.parse(options);
        List<long[]> starts = new java.util.ArrayList<>(); // {byte offset, data rows before}
        starts.add(new long[] { 0, 0 });
        long records = 0;
        try (CsvRecords parsed = new CsvRecords(in, csv)) {
            parsed.wantNone();
            int next = 1;
            while (parsed.next()) {
                long dataBefore = csv.header() ? records - 1 : records;
                records++;
                if (next >= parts || dataBefore < 0) {
                    continue;
                }
                long offset = parsed.recordOffset();
                if (offset > starts.get(starts.size() - 1)[0] && offset >= size * next / parts) {
                    starts.add(new long[] { offset, dataBefore });
                    while (next < parts && size * next / parts <= offset) {
                        next++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long total = csv.header() && records > 0 ? records - 1 : records;
        List<ByteRange> ranges = new java.util.ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            long[] start = starts.get(i);
            boolean last = i == starts.size() - 1;
            long end = last ? size : starts.get(i + 1)[0];
            long rowsEnd = last ? total : starts.get(i + 1)[1];
            ranges.add(new ByteRange(start[0], end, start[1], rowsEnd - start[1]));
        }
        return ranges;
    }

    /**
     * Reads a local Parquet file (download remote objects first). The footer is read by the first
     * {@link RowReader#read}, which throws a {@link FormatException} when the file is not readable
     * Parquet, has none of the table's columns, or maps a nested field to a column.
     */
    public static RowReader openParquet(Path file, TableSpec table, Map<String, List<ValidationRule>> validation,
            long skipRows) {
        return openParquet(file, table, validation, skipRows, Map.of());
    }

    /**
     * Option of Parquet sources set by external tables, not by users: column name to Iceberg field
     * id. With it, fields are matched to columns by the field id in the file's schema (so files
     * written before a rename load into the renamed column), a column without one gets NULL.
     */
    public static final String PARQUET_FIELD_IDS = "icebergFieldIds";
    /**
     * With {@link #PARQUET_FIELD_IDS}: names to field ids (the Iceberg table's name mapping) for files
     * written without field ids; files with neither are matched by name to the columns holding a field.
     */
    public static final String PARQUET_MAPPED_NAMES = "icebergMappedNames";

    /** {@link #openParquet(Path, TableSpec, Map, long)} with the source's options ({@link #PARQUET_FIELD_IDS}). */
    public static RowReader openParquet(Path file, TableSpec table, Map<String, List<ValidationRule>> validation,
            long skipRows, Map<String, Object> options) {
        Objects.requireNonNull(file, "file");
        return new ParquetRowReader(file, new RowAssembler(table, validation), checkSkip(skipRows), FieldIds.of(options));
    }

    /** The row count of a Parquet file's footer, or -1 if the footer cannot be read. */
    public static long parquetRowCount(Path file) {
        try (ParquetFileReader reader = ParquetColumns.openFile(file)) {
            return reader.getRecordCount();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Opens a source file's bytes, each call from its start. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * Counts the data rows of csv (records, aware of quoted newlines, header excluded, empty lines
     * skipped; malformed records counted as the readers count them) or jsonl (non-blank lines), for
     * totalRows. CSV is counted from its bytes ({@link CsvRecordCount}); only a file whose count
     * depends on how the reader recovers from malformed records is opened a second time and counted
     * by the reader. -1 for parquet (use {@link #parquetRowCount}).
     */
    public static long countRows(SourceFormat format, Map<String, Object> options, Opener source) {
        validateOptions(format, options);
        try {
            return switch (format) {
                case CSV -> countCsv(CsvOptions.parse(options), source);
                case JSONL -> {
                    try (InputStream in = source.open()) {
                        yield countLines(in);
                    }
                }
                case PARQUET -> -1;
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long countCsv(CsvOptions options, Opener source) throws IOException {
        OptionalLong fast;
        try (InputStream in = source.open()) {
            fast = CsvRecordCount.of(in, options);
        }
        long count = fast.isPresent() ? fast.getAsLong() : countCsvRecords(options, source);
        return options.header() && count > 0 ? count - 1 : count;
    }

    private static long countCsvRecords(CsvOptions options, Opener source) throws IOException {
        try (CsvRecords records = new CsvRecords(source.open(), options)) {
            records.wantNone();
            long count = 0;
            while (records.next()) {
                count++;
            }
            return count;
        }
    }

    private static long countLines(InputStream in) throws IOException {
        try (ByteLines lines = new ByteLines(in, JsonlRowReader.MAX_LINE_BYTES)) {
            long count = 0;
            while (lines.next()) {
                if (!lines.isBlank()) {
                    count++;
                }
            }
            return count;
        }
    }

    private static long checkSkip(long skipRows) {
        if (skipRows < 0) {
            throw new IllegalArgumentException("skipRows must not be negative: " + skipRows);
        }
        return skipRows;
    }
}
