package io.sluice.format;

import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Takes one Parquet column's values in row order as its pages hold them: NULL, a physical value, or an
 * id into the column chunk's dictionary. {@link ParquetColumns} hands each field's values to one;
 * what a sink makes of them (Java values for a {@link RowBatch}, or COPY's binary form straight away)
 * is its own.
 */
public interface ParquetValueSink {
    void ofNull();

    void ofInt(int value);

    void ofLong(long value);

    void ofBoolean(boolean value);

    void ofFloat(float value);

    void ofDouble(double value);

    /** The bytes behind {@code value} may be reused by the reader once this returns. */
    void ofBinary(Binary value);

    /** A new column chunk's dictionary, given before the first {@link #ofEntry} of its ids. */
    void dictionary(Dictionary dictionary);

    /** The value is entry {@code id} of the last {@link #dictionary}. */
    void ofEntry(int id);

    /** Hands entry {@code id} of {@code dictionary} (of a column of type {@code physical}) to {@code to} as its physical value. */
    static void giveEntry(Dictionary dictionary, int id, PrimitiveTypeName physical, ParquetValueSink to) {
        switch (physical) {
            case INT32 -> to.ofInt(dictionary.decodeToInt(id));
            case INT64 -> to.ofLong(dictionary.decodeToLong(id));
            case BOOLEAN -> to.ofBoolean(dictionary.decodeToBoolean(id));
            case FLOAT -> to.ofFloat(dictionary.decodeToFloat(id));
            case DOUBLE -> to.ofDouble(dictionary.decodeToDouble(id));
            case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> to.ofBinary(dictionary.decodeToBinary(id));
        }
    }
}
