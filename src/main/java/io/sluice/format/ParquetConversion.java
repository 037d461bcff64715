package io.sluice.format;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

import io.sluice.pipeline.program.PgType;

/**
 * A Parquet field's values as its column's Java values ({@link RowBatch}), converted exactly as the
 * row reader converts them for a column without validation rules ({@link ParquetValues}, then the
 * column's type); {@link #REJECTED} for a value the row reader would reject. For writers that encode
 * most values straight from their physical form and hand the rest here.
 */
public final class ParquetConversion {
    /** What a conversion returns for a value the row reader rejects (its error is the row reader's to word). */
    public static final Object REJECTED = new Object();

    private final PgType type;
    private final ObjectValues values;

    public ParquetConversion(PrimitiveType field, PgType type) {
        this.type = type;
        this.values = new ObjectValues(field);
    }

    public Object ofInt(int value) {
        values.ofInt(value);
        return converted();
    }

    public Object ofLong(long value) {
        values.ofLong(value);
        return converted();
    }

    public Object ofBoolean(boolean value) {
        values.ofBoolean(value);
        return converted();
    }

    public Object ofFloat(float value) {
        values.ofFloat(value);
        return converted();
    }

    public Object ofDouble(double value) {
        values.ofDouble(value);
        return converted();
    }

    public Object ofBinary(Binary value) {
        values.ofBinary(value);
        return converted();
    }

    private Object converted() {
        Object converted = Conversions.fromValue(type, values.value);
        return converted instanceof Failure ? REJECTED : converted;
    }
}
