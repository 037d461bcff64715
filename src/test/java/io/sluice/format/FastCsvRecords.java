package io.sluice.format;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import de.siegmar.fastcsv.reader.RecordType;

/**
 * The reference for {@link CsvRecords}: the same records read by FastCSV over decoded text (how Sluice
 * read CSV before it parsed bytes itself), compared record by record in CsvRecordsEquivalenceTest.
 *
 * The records of a CSV stream (RFC 4180, parsed by FastCSV), empty lines skipped. A malformed record
 * (text after a closing quote, a quote never closed, a field over {@value #MAX_FIELD_CHARS} characters)
 * is returned as such, and parsing starts over at the line after the one it began on.
 * Every field is materialized.
 */
final class FastCsvRecords implements Closeable {
    static final int MAX_FIELD_CHARS = 4 * 1024 * 1024;
    private static final int MAX_KEPT_FIELDS = 16 * 1024;
    private static final int VALUE_PREVIEW = RowError.MAX_VALUE_LENGTH;

    private final CsvReader.CsvReaderBuilder builder;
    private final LineJournal journal;
    private final String nullMarker;
    private CloseableIterator<Fields> records;
    /** Line numbers FastCSV reports count from where it (re)started: add this. */
    private long lineBase;
    private long recordLine;

    private String[] values = new String[16];
    private int fieldCount;
    private String malformed;
    private String malformedText;

    FastCsvRecords(InputStream in, CsvOptions options) {
        this.journal = new LineJournal(new InputStreamReader(in, StandardCharsets.UTF_8), 2 * MAX_FIELD_CHARS);
        this.nullMarker = options.nullMarker();
        this.builder = CsvReader.builder()
                .fieldSeparator(options.delimiter())
                .quoteCharacter(options.quote())
                .skipEmptyLines(true)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .allowUnclosedQuote(false)
                .maxBufferSize(MAX_FIELD_CHARS);
        start();
    }

    /** Advances to the next record; false at the end of the input. */
    boolean next() throws IOException {
        malformed = null;
        try {
            if (!records.hasNext()) {
                return false;
            }
            records.next();
            return true;
        } catch (CsvParseException e) {
            malformed = describe(e);
            malformedText = currentLine();
            journal.rewindTo(recordLine + 1);
            start();
            return true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The current record as {@link CsvRecordsEquivalenceTest} compares it: its line, then why it is
     * malformed with the text shown, or its field count, text and fields (null: NULL).
     */
    String describe() {
        if (malformed != null) {
            return recordLine + " " + malformedText + " malformed: " + malformed;
        }
        return recordLine + " " + fieldCount + " " + currentLine() + " " + Arrays.asList(values).subList(0, fieldCount);
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }

    private void start() {
        lineBase = journal.keptLine() - 1;
        records = builder.build(new Fields(), journal).iterator();
    }

    private String currentLine() {
        return journal.lineText(VALUE_PREVIEW);
    }

    private static String describe(CsvParseException e) {
        String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        if (message == null) {
            return "Malformed CSV record";
        }
        if (message.startsWith("Unexpected character after closing quote")) {
            return "Malformed CSV: unexpected character after a closing quote";
        }
        if (message.startsWith("Unclosed quoted field")) {
            return "Malformed CSV: quote not closed before the end of the file";
        }
        if (message.contains("maximum buffer size")) {
            return "Malformed CSV: field longer than " + MAX_FIELD_CHARS + " characters (a quote not closed?)";
        }
        return "Malformed CSV: " + message.replaceAll(" \\(record starting at line \\d+\\)", "");
    }

    /** FastCSV's callbacks: fields go straight into {@link #values}, without a record object per row. */
    private final class Fields extends CsvCallbackHandler<Fields> {
        private boolean empty;

        @Override
        protected RecordType getRecordType() {
            return empty ? RecordType.EMPTY : RecordType.DATA;
        }

        @Override
        protected int getFieldCount() {
            return fieldCount;
        }

        @Override
        protected void beginRecord(long startingLineNumber) {
            empty = false;
            fieldCount = 0;
            recordLine = lineBase + startingLineNumber;
            journal.release(recordLine);
        }

        @Override
        protected void addField(char[] buf, int offset, int len, boolean quoted) {
            int i = fieldCount++;
            if (i < MAX_KEPT_FIELDS) {
                if (i == values.length) {
                    values = Arrays.copyOf(values, Math.min(values.length * 2, MAX_KEPT_FIELDS));
                }
                values[i] = isNull(buf, offset, len, quoted) ? null : len == 0 ? "" : new String(buf, offset, len);
            }
        }

        private boolean isNull(char[] buf, int offset, int len, boolean quoted) {
            if (quoted) {
                return false;
            }
            if (nullMarker == null) {
                return len == 0;
            }
            if (len != nullMarker.length()) {
                return false;
            }
            for (int i = 0; i < len; i++) {
                if (buf[offset + i] != nullMarker.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        protected void setComment(char[] buf, int offset, int len) {
            throw new IllegalStateException("comments are disabled");
        }

        @Override
        protected void setEmpty() {
            empty = true;
        }

        @Override
        protected Fields buildRecord() {
            return this;
        }
    }
}
