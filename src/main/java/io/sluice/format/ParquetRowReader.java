package io.sluice.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.Type;

/**
 * Parquet rows, row group by row group, from the fields {@link ParquetColumns} matches to the table's
 * columns. When every projected field is primitive, each column is decoded on its own into Java
 * values ({@link ObjectValues}); a nested field (for a jsonb column) needs parquet-mr's record
 * assembly, which then reads the whole projection.
 */
final class ParquetRowReader extends AssemblingReader {
    private final Path path;
    private final long skipRows;
    private final FieldIds fieldIds;
    private ParquetColumns file;
    private Object[] values;
    private Materializer materializer;
    private RecordReader<Object[]> records;
    /** Each projected field's values, when every projected field is primitive; else null. */
    private ObjectValues[] sinks;
    private long leftInGroup;
    private boolean closed;

    ParquetRowReader(Path path, RowAssembler rows, long skipRows, FieldIds fieldIds) {
        super(rows);
        this.path = path;
        this.skipRows = skipRows;
        this.fieldIds = fieldIds;
    }

    /** Reads the footer, maps fields to columns and skips {@link #skipRows}: on the first read. */
    private void start() throws IOException {
        file = ParquetColumns.open(path, rows.table(), fieldIds);
        values = new Object[file.fieldCount()];
        if (file.allPrimitive()) {
            sinks = new ObjectValues[values.length];
            for (int field = 0; field < sinks.length; field++) {
                sinks[field] = new ObjectValues(file.primitive(field));
            }
        } else {
            materializer = new Materializer();
        }
        skip();
    }

    @Override
    protected boolean readRow() throws IOException {
        if (closed) {
            throw new IOException("reader is closed");
        }
        try {
            if (file == null) {
                start();
            }
            if (!nextRecord()) {
                return false;
            }
        } catch (ParquetDecodingException e) {
            throw new FormatException("Corrupt Parquet data after row " + consumed + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new FormatException("Cannot read Parquet file: " + e.getMessage(), e);
        }
        rows.begin(++consumed);
        for (int field = 0; field < values.length; field++) {
            rows.value(file.columnOf(field), values[field]);
        }
        rows.end();
        return true;
    }

    private boolean nextRecord() throws IOException {
        while (leftInGroup == 0) {
            if (!nextGroup()) {
                return false;
            }
        }
        leftInGroup--;
        if (records != null) {
            records.read();
        } else {
            for (int field = 0; field < values.length; field++) {
                file.next(field);
                values[field] = sinks[field].value;
            }
        }
        return true;
    }

    private boolean nextGroup() throws IOException {
        if (sinks != null) {
            long rows = file.nextRowGroup(sinks);
            leftInGroup = Math.max(rows, 0);
            return rows >= 0;
        }
        PageReadStore pages = file.file().readNextRowGroup();
        if (pages == null) {
            return false;
        }
        records = new ColumnIOFactory().getColumnIO(file.projection()).getRecordReader(pages, materializer);
        leftInGroup = pages.getRowCount();
        return true;
    }

    /** Skips whole row groups by their footer counts, then single records. */
    private void skip() throws IOException {
        var groups = file.file().getRowGroups();
        int group = 0;
        while (group < groups.size() && consumed + groups.get(group).getRowCount() <= skipRows) {
            consumed += groups.get(group++).getRowCount();
            file.file().skipNextRowGroup();
        }
        while (consumed < skipRows && nextRecord()) {
            consumed++;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (file != null) {
            file.close();
        }
    }

    /** Assembles each record into {@link #values}, one slot per projected field, null when absent. */
    private final class Materializer extends RecordMaterializer<Object[]> {
        private final GroupConverter root = new GroupConverter() {
            private final Converter[] converters = converters();

            @Override
            public Converter getConverter(int fieldIndex) {
                return converters[fieldIndex];
            }

            @Override
            public void start() {
                Arrays.fill(values, null);
            }

            @Override
            public void end() {
            }
        };

        private Converter[] converters() {
            Converter[] converters = new Converter[values.length];
            for (int i = 0; i < converters.length; i++) {
                int field = i;
                Type type = file.projection().getType(i);
                converters[i] = type.isPrimitive() ? ParquetValues.converter(type.asPrimitiveType(), value -> values[field] = value)
                        : ParquetJson.converter(type, value -> values[field] = value);
            }
            return converters;
        }

        @Override
        public Object[] getCurrentRecord() {
            return values;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }
}
