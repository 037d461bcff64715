package io.sluice.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/**
 * A Parquet file's top-level fields matched to a table's columns, by name or by Iceberg field id
 * ({@link Formats#PARQUET_FIELD_IDS}), only those read (projection), row group by row group; when
 * every projected field is primitive, each field's values go to a {@link ParquetValueSink} of its
 * own, column by column ({@link ParquetColumn}). Holds one row group's chunks of the projected
 * columns, as parquet-mr does.
 */
public final class ParquetColumns implements Closeable {
    /**
     * One configuration for every file, without Hadoop's default XML resources: parsing them took
     * a visible share of the first sync after a start (once per file before this was shared), and
     * reading needs none of their keys (codecs are chosen by the file's metadata).
     */
    private static final org.apache.parquet.conf.ParquetConfiguration CONFIGURATION =
            new org.apache.parquet.conf.HadoopParquetConfiguration(new org.apache.hadoop.conf.Configuration(false));

    private final ParquetFileReader file;
    private final MessageType projection;
    /** Column (table order) of each projected field. */
    private final int[] columnOfField;
    private final boolean primitive;
    private ParquetColumn[] columns;

    private ParquetColumns(ParquetFileReader file, MessageType projection, int[] columnOfField) {
        this.file = file;
        this.projection = projection;
        this.columnOfField = columnOfField;
        this.primitive = projection.getFields().stream().allMatch(Type::isPrimitive);
        file.setRequestedSchema(projection);
    }

    /**
     * Opens {@code path} for {@code table}'s columns, with the source's options (field ids).
     *
     * @throws FormatException not a readable Parquet file, a nested or repeated field for a column other
     *         than jsonb, or none of the table's columns in the file
     */
    public static ParquetColumns open(Path path, TableSpec table, Map<String, Object> options) throws IOException {
        return open(path, table, FieldIds.of(options));
    }

    static ParquetColumns open(Path path, TableSpec table, FieldIds fieldIds) throws IOException {
        ParquetFileReader file = openFile(path);
        try {
            MessageType schema = file.getFooter().getFileMetaData().getSchema();
            ColumnIndex index = new ColumnIndex(table.columns());
            List<Type> fields = new ArrayList<>();
            List<Integer> columns = new ArrayList<>();
            boolean[] taken = new boolean[table.columns().size()];
            boolean fileHasIds = schema.getFields().stream().anyMatch(f -> f.getId() != null);
            for (Type field : schema.getFields()) {
                int column = fieldIds == null ? index.indexOf(field.getName())
                        : fieldIds.columnOf(field.getId() == null ? null : field.getId().intValue(), field.getName(), fileHasIds, index);
                if (column < 0 || taken[column]) {
                    continue;
                }
                boolean json = table.columns().get(column).type().kind() == PgType.Kind.JSONB;
                if (field.isRepetition(Type.Repetition.REPEATED) || !field.isPrimitive() && !json) {
                    throw new FormatException("Parquet field '" + field.getName() + "' is nested or repeated;"
                            + " only top-level primitive fields can be loaded into columns, and nested groups into jsonb columns");
                }
                taken[column] = true;
                fields.add(field);
                columns.add(column);
            }
            if (fields.isEmpty()) {
                throw new FormatException("Parquet file has none of the columns of table " + table.name());
            }
            return new ParquetColumns(file, new MessageType(schema.getName(), fields),
                    columns.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    static ParquetFileReader openFile(Path path) throws IOException {
        LocalInputFile input = new LocalInputFile(path);
        try {
            return ParquetFileReader.open(input, ParquetReadOptions.builder(CONFIGURATION).build());
        } catch (RuntimeException e) {
            // Parquet names the file by its InputFile's identity ("LocalInputFile@32d55df3"): the caller names it
            String reason = String.valueOf(e.getMessage()).replace(input.toString(), "the file");
            throw new FormatException("Not a readable Parquet file: " + reason, e);
        }
    }

    /** Fields projected, in file order. */
    public int fieldCount() {
        return columnOfField.length;
    }

    /** The table column (index in table order) of projected field {@code field}. */
    public int columnOf(int field) {
        return columnOfField[field];
    }

    /** The type of projected field {@code field}; null when it is a group (for a jsonb column). */
    public PrimitiveType primitive(int field) {
        Type type = projection.getType(field);
        return type.isPrimitive() ? type.asPrimitiveType() : null;
    }

    /** Whether every projected field is primitive: then {@link #nextRowGroup} reads column by column. */
    public boolean allPrimitive() {
        return primitive;
    }

    /**
     * Starts the next row group, the values of field {@code i} going to {@code sinks[i]} through
     * {@link #next}; returns its row count, -1 after the last one.
     */
    public long nextRowGroup(ParquetValueSink[] sinks) throws IOException {
        if (!primitive) {
            throw new IllegalStateException("a nested field needs record assembly");
        }
        PageReadStore pages = file.readNextRowGroup();
        if (pages == null) {
            columns = null;
            return -1;
        }
        columns = new ParquetColumn[columnOfField.length];
        for (int field = 0; field < columns.length; field++) {
            ColumnDescriptor column = projection.getColumns().get(field);
            columns[field] = new ParquetColumn(column, pages.getPageReader(column), sinks[field]);
        }
        return pages.getRowCount();
    }

    /** Hands the row group's next value of {@code field} to its sink. */
    public void next(int field) throws IOException {
        columns[field].next();
    }

    MessageType projection() {
        return projection;
    }

    ParquetFileReader file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
