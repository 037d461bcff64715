package io.sluice.load;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.parquet.io.ParquetDecodingException;

import io.sluice.format.FormatException;
import io.sluice.format.ParquetColumns;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.TableSpec;

/**
 * A Parquet file's rows encoded from its columns' pages straight into binary COPY rows, without a
 * Java value per field for the common types ({@link ParquetCopyField}), each row optionally followed
 * by its provenance (the segment's id, the row's number). The rows are those the row reader
 * ({@code Formats.openParquet}) gives for a table without validation rules; where it would reject a
 * row, this throws {@link Rejected} and the caller reads the file with the row reader to word the
 * errors. For the files of an external table's sync, where any rejected row fails the sync.
 */
public final class ParquetCopy implements Closeable {
    /** Rows between two checks whether the run is asked to stop. */
    private static final int CHECK_EVERY = 65_536;

    private final ParquetColumns file;
    private final ParquetCopyField[] fields;
    /** For each table column, the projected field holding it, or -1 (NULL). */
    private final int[] fieldOfColumn;
    private final boolean[] notNull;

    private ParquetCopy(ParquetColumns file, TableSpec table) {
        this.file = file;
        List<ColumnSpec> columns = table.columns();
        this.fields = new ParquetCopyField[file.fieldCount()];
        this.fieldOfColumn = new int[columns.size()];
        this.notNull = new boolean[columns.size()];
        Arrays.fill(fieldOfColumn, -1);
        for (int c = 0; c < columns.size(); c++) {
            notNull[c] = columns.get(c).notNull();
        }
        for (int f = 0; f < fields.length; f++) {
            int column = file.columnOf(f);
            fieldOfColumn[column] = f;
            fields[f] = ParquetCopyField.of(file.primitive(f), columns.get(column), column);
        }
    }

    /**
     * The file's rows for {@code table}, or null when they need the row reader: a nested field (for
     * a jsonb column), or a column type without a binary form here.
     *
     * @throws FormatException as the row reader would on its first read
     */
    public static ParquetCopy open(Path path, TableSpec table, Map<String, Object> options) throws IOException {
        if (!table.columns().stream().allMatch(c -> CopyBinaryEncoder.encodes(c.type().kind()))) {
            return null;
        }
        ParquetColumns file = ParquetColumns.open(path, table, options);
        if (!file.allPrimitive()) {
            file.close();
            return null;
        }
        return new ParquetCopy(file, table);
    }

    /**
     * Writes every row into {@code out}, each followed by {@code segment} and its row number
     * ({@code firstRow} + 1, + 2, ...) unless {@code segment} is null; {@code checkStop} runs now and
     * then, and may throw to stop. Returns the rows written.
     */
    long writeTo(CopyBinaryEncoder out, Long segment, long firstRow, Runnable checkStop) throws SQLException, IOException {
        for (ParquetCopyField field : fields) {
            field.into(out);
        }
        int width = fieldOfColumn.length + (segment == null ? 0 : 2);
        long row = 0;
        boolean stopping = false;
        try {
            for (long rows = file.nextRowGroup(fields); rows >= 0; rows = file.nextRowGroup(fields)) {
                stopping = true;
                checkStop.run();
                stopping = false;
                for (long i = 0; i < rows; i++) {
                    out.rowStart(width);
                    for (int c = 0; c < fieldOfColumn.length; c++) {
                        int f = fieldOfColumn[c];
                        if (f >= 0) {
                            file.next(f);
                        } else if (notNull[c]) {
                            throw Rejected.INSTANCE;
                        } else {
                            out.nullField();
                        }
                    }
                    row++;
                    if (segment != null) {
                        out.fixedLong(segment);
                        out.fixedLong(firstRow + row);
                    }
                    if ((row % CHECK_EVERY) == 0) {
                        stopping = true;
                        checkStop.run();
                        stopping = false;
                    }
                }
            }
        } catch (Failed e) {
            throw e.getCause();
        } catch (ParquetDecodingException e) {
            throw new FormatException("Corrupt Parquet data after row " + row + ": " + e.getMessage(), e);
        } catch (Rejected e) {
            throw e;
        } catch (RuntimeException e) {
            if (stopping) {
                throw e;
            }
            throw new FormatException("Cannot read Parquet file: " + e.getMessage(), e);
        }
        return row;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /** A value the row reader rejects: read the file with it to know which rows and why. */
    public static final class Rejected extends RuntimeException {
        static final Rejected INSTANCE = new Rejected();

        private Rejected() {
            super("a value the row reader rejects", null, false, false);
        }
    }

    /** The COPY's own failure, carried out of a value sink. */
    static final class Failed extends RuntimeException {
        Failed(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
