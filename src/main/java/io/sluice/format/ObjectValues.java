package io.sluice.format;

import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A field's values as Java values ({@link ParquetValues}), the last one in {@link #value}: what the
 * row reader assembles rows from. A dictionary's entries are decoded once per column chunk, so a
 * dictionary-encoded string column yields the same {@code String} for every row of a value.
 */
final class ObjectValues implements ParquetValueSink {
    private final PrimitiveType.PrimitiveTypeName physical;
    private final ParquetValues.Decoder decode;
    private Object[] entries;
    /** The last value given, null for NULL. */
    Object value;

    ObjectValues(PrimitiveType type) {
        this.physical = type.getPrimitiveTypeName();
        this.decode = ParquetValues.decoder(type);
    }

    @Override
    public void ofNull() {
        value = null;
    }

    @Override
    public void ofInt(int v) {
        value = decode.ofInt(v);
    }

    @Override
    public void ofLong(long v) {
        value = decode.ofLong(v);
    }

    @Override
    public void ofBoolean(boolean v) {
        value = decode.ofBoolean(v);
    }

    @Override
    public void ofFloat(float v) {
        value = decode.ofFloat(v);
    }

    @Override
    public void ofDouble(double v) {
        value = decode.ofDouble(v);
    }

    @Override
    public void ofBinary(Binary v) {
        value = decode.ofBinary(v);
    }

    @Override
    public void dictionary(Dictionary dictionary) {
        entries = new Object[dictionary.getMaxId() + 1];
        for (int id = 0; id < entries.length; id++) {
            ParquetValueSink.giveEntry(dictionary, id, physical, this);
            entries[id] = value;
        }
    }

    @Override
    public void ofEntry(int id) {
        value = entries[id];
    }
}
