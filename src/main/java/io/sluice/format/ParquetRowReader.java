package io.sluice.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import io.sluice.pipeline.program.PgType;

/**
 * Parquet rows, row group by row group: top-level fields matched to columns by name, or by Iceberg
 * field id when the columns have them ({@link FieldIds}), only those read (projection). Holds one row
 * group's chunks of the projected columns, as parquet-mr does. When every projected field is
 * primitive, each column is decoded on its own ({@link ParquetColumn}); a nested field (for a jsonb
 * column) needs parquet-mr's record assembly, which then reads the whole projection.
 */
final class ParquetRowReader extends AssemblingReader {
    private final Path path;
    private final long skipRows;
    private final FieldIds fieldIds;
    private ParquetFileReader file;
    private MessageType projection;
    /** Column of each projected field. */
    private int[] columnOfField;
    private Object[] values;
    private Materializer materializer;
    private RecordReader<Object[]> records;
    /** The row group's columns, one per projected field, when every projected field is primitive; else null. */
    private ParquetColumn[] columns;
    private ParquetValues.Decoder[] decoders;
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
        file = open(path);
        MessageType schema = file.getFooter().getFileMetaData().getSchema();
        ColumnIndex index = new ColumnIndex(rows.table().columns());
        List<Type> fields = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        boolean[] taken = new boolean[rows.columnCount()];
        boolean fileHasIds = schema.getFields().stream().anyMatch(f -> f.getId() != null);
        for (Type field : schema.getFields()) {
            int column = fieldIds == null ? index.indexOf(field.getName())
                    : fieldIds.columnOf(field.getId() == null ? null : field.getId().intValue(), field.getName(), fileHasIds, index);
            if (column < 0 || taken[column]) {
                continue;
            }
            boolean json = rows.table().columns().get(column).type().kind() == PgType.Kind.JSONB;
            if (field.isRepetition(Type.Repetition.REPEATED) || !field.isPrimitive() && !json) {
                throw new FormatException("Parquet field '" + field.getName() + "' is nested or repeated;"
                        + " only top-level primitive fields can be loaded into columns, and nested groups into jsonb columns");
            }
            taken[column] = true;
            fields.add(field);
            columns.add(column);
        }
        if (fields.isEmpty()) {
            throw new FormatException("Parquet file has none of the columns of table " + rows.table().name());
        }
        projection = new MessageType(schema.getName(), fields);
        columnOfField = columns.stream().mapToInt(Integer::intValue).toArray();
        values = new Object[fields.size()];
        if (fields.stream().allMatch(Type::isPrimitive)) {
            decoders = fields.stream().map(field -> ParquetValues.decoder(field.asPrimitiveType())).toArray(ParquetValues.Decoder[]::new);
        } else {
            materializer = new Materializer();
        }
        file.setRequestedSchema(projection);
        skip();
    }

    /**
     * One configuration for every file, without Hadoop's default XML resources: parsing them took
     * a visible share of the first sync after a start (once per file before this was shared), and
     * reading needs none of their keys (codecs are chosen by the file's metadata).
     */
    private static final org.apache.parquet.conf.ParquetConfiguration CONFIGURATION =
            new org.apache.parquet.conf.HadoopParquetConfiguration(new org.apache.hadoop.conf.Configuration(false));

    static ParquetFileReader open(Path path) throws IOException {
        try {
            return ParquetFileReader.open(new LocalInputFile(path), ParquetReadOptions.builder(CONFIGURATION).build());
        } catch (RuntimeException e) {
            throw new FormatException("Not a readable Parquet file: " + e.getMessage(), e);
        }
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
            rows.value(columnOfField[field], values[field]);
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
                values[field] = columns[field].next();
            }
        }
        return true;
    }

    private boolean nextGroup() throws IOException {
        PageReadStore pages = file.readNextRowGroup();
        if (pages == null) {
            return false;
        }
        if (decoders != null) {
            columns = new ParquetColumn[decoders.length];
            for (int field = 0; field < columns.length; field++) {
                ColumnDescriptor column = projection.getColumns().get(field);
                columns[field] = new ParquetColumn(column, pages.getPageReader(column), decoders[field]);
            }
        } else {
            records = new ColumnIOFactory().getColumnIO(projection).getRecordReader(pages, materializer);
        }
        leftInGroup = pages.getRowCount();
        return true;
    }

    /** Skips whole row groups by their footer counts, then single records. */
    private void skip() throws IOException {
        var groups = file.getRowGroups();
        int group = 0;
        while (group < groups.size() && consumed + groups.get(group).getRowCount() <= skipRows) {
            consumed += groups.get(group++).getRowCount();
            file.skipNextRowGroup();
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
                Type type = projection.getType(i);
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
