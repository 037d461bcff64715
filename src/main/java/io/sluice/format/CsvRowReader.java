package io.sluice.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.stream.Collectors;

import io.sluice.pipeline.program.ColumnSpec;

/** CSV rows: fields matched to columns by header name, or by position without a header. */
final class CsvRowReader extends AssemblingReader {
    private final CsvRecords records;
    private final CsvOptions options;
    private final long skipRows;
    /** The file's header when this stream starts after it (a byte range); null: read it here if any. */
    private final String[] knownHeader;
    /** Column of each field position, or -1 for a field no column takes. */
    private int[] columnOfField;
    private boolean started;
    private boolean finished;

    CsvRowReader(InputStream in, CsvOptions options, RowAssembler rows, long skipRows, String[] knownHeader) {
        super(rows);
        this.records = new CsvRecords(in, options);
        this.options = options;
        this.skipRows = skipRows;
        this.knownHeader = knownHeader;
    }

    @Override
    protected boolean readRow() throws IOException {
        if (!started) {
            started = true;
            start();
        }
        if (finished || !records.next()) {
            finished = true;
            return false;
        }
        rows.begin(++consumed);
        if (records.malformed() != null) {
            rows.rowError(records.text(), records.malformed());
        } else if (records.fieldCount() != columnOfField.length) {
            rows.rowError(records.text(), "Expected " + columnOfField.length + " fields, found " + records.fieldCount());
        } else {
            for (int field = 0; field < columnOfField.length; field++) {
                int column = columnOfField[field];
                if (column >= 0 && !(records.isPlain(field) && rows.plainBytes(column, records.buffer(),
                        records.offset(field), records.length(field)))) {
                    rows.text(column, records.field(field));
                }
            }
        }
        rows.end();
        return true;
    }

    private void start() throws IOException {
        if (options.header() && knownHeader != null) {
            columnOfField = mapHeader(knownHeader);
        } else if (options.header()) {
            records.wantAll();
            if (!records.next()) {
                finished = true;
                return;
            }
            if (records.malformed() != null) {
                throw new FormatException("CSV header: " + records.malformed());
            }
            String[] fields = new String[records.fieldCount()];
            Arrays.setAll(fields, records::field);
            columnOfField = mapHeader(fields);
        } else {
            columnOfField = new int[rows.columnCount()];
            Arrays.setAll(columnOfField, i -> i);
        }
        records.wantNone();
        while (consumed < skipRows && records.next()) {
            consumed++;
        }
        boolean[] wanted = new boolean[columnOfField.length];
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = columnOfField[i] >= 0;
        }
        records.want(wanted);
    }

    private int[] mapHeader(String[] fields) throws FormatException {
        ColumnIndex index = new ColumnIndex(rows.table().columns());
        int[] columns = new int[fields.length];
        String[] mappedFrom = new String[rows.columnCount()];
        boolean any = false;
        for (int field = 0; field < columns.length; field++) {
            String name = fields[field] == null ? "" : fields[field];
            int column = index.indexOf(name);
            if (column >= 0 && mappedFrom[column] != null) {
                throw new FormatException("CSV header: fields '" + mappedFrom[column] + "' and '" + name
                        + "' both name column " + rows.table().columns().get(column).name());
            }
            if (column >= 0) {
                mappedFrom[column] = name;
                any = true;
            }
            columns[field] = column;
        }
        if (!any) {
            throw new FormatException("CSV header names none of the columns of table " + rows.table().name() + " ("
                    + rows.table().columns().stream().map(ColumnSpec::name).collect(Collectors.joining(", "))
                    + "); is the delimiter right, or should the header option be false?");
        }
        return columns;
    }

    @Override
    public void close() throws IOException {
        records.close();
    }
}
