package io.sluice.load;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import io.sluice.format.ParquetConversion;
import io.sluice.format.ParquetValueSink;
import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;

/**
 * One Parquet field's values written as binary COPY fields of its column. The common pairs of
 * physical and column type ({@link #of}) write the physical value's binary form straight away; every
 * other value goes through the row reader's conversion ({@link ParquetConversion}) and
 * {@link CopyBinaryEncoder#value}, so a field holds what the row reader would have given. A value the
 * row reader would reject (a NULL for a NOT NULL column, a NUL in text, an integer out of range...)
 * throws {@link ParquetCopy.Rejected}. A column chunk's dictionary entries are encoded once.
 */
final class ParquetCopyField implements ParquetValueSink {
    /** How one physical value becomes a COPY field: straight away, or by the row reader's conversion. */
    @FunctionalInterface
    private interface BinaryWriter {
        void write(Binary value) throws SQLException;
    }

    @FunctionalInterface
    private interface IntWriter {
        void write(int value) throws SQLException;
    }

    @FunctionalInterface
    private interface LongWriter {
        void write(long value) throws SQLException;
    }

    // primitive writers: a boxed Double or Float per value would be an allocation per row
    @FunctionalInterface
    private interface BooleanWriter {
        void write(boolean value) throws SQLException;
    }

    @FunctionalInterface
    private interface FloatWriter {
        void write(float value) throws SQLException;
    }

    @FunctionalInterface
    private interface DoubleWriter {
        void write(double value) throws SQLException;
    }

    private static final long MIN_MICROS = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    private static final long END_MICROS = LocalDateTime.of(10_000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    private static final long PG_EPOCH_MICROS = CopyBinaryEncoder.PG_EPOCH_SECOND * 1_000_000L;

    private final PrimitiveTypeName physical;
    private final ParquetConversion conversion;
    private final PgType.Kind kind;
    private final boolean notNull;
    private final int column;
    private IntWriter ints;
    private LongWriter longs;
    private BinaryWriter binaries;
    private BooleanWriter booleans;
    private FloatWriter floats;
    private DoubleWriter doubles;
    /** Where fields go: the COPY's encoder, or {@link #scratch} while a dictionary is encoded. */
    private CopyBinaryEncoder out;
    private byte[][] entries;
    private ByteArrayOutputStream scratchBytes;
    private CopyBinaryEncoder scratch;
    private byte[] copy = new byte[256];

    private ParquetCopyField(PrimitiveType field, ColumnSpec spec, int column) {
        this.physical = field.getPrimitiveTypeName();
        this.conversion = new ParquetConversion(field, spec.type());
        this.kind = spec.type().kind();
        this.notNull = spec.notNull();
        this.column = column;
        this.ints = v -> general(conversion.ofInt(v));
        this.longs = v -> general(conversion.ofLong(v));
        this.binaries = v -> general(conversion.ofBinary(v));
        this.booleans = v -> general(conversion.ofBoolean(v));
        this.floats = v -> general(conversion.ofFloat(v));
        this.doubles = v -> general(conversion.ofDouble(v));
    }

    /** The writer of {@code field}'s values into column {@code column} ({@code spec}). */
    static ParquetCopyField of(PrimitiveType field, ColumnSpec spec, int column) {
        ParquetCopyField f = new ParquetCopyField(field, spec, column);
        LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
        PgType type = spec.type();
        PgType.Kind kind = type.kind();
        boolean plainInteger = logical == null || logical instanceof IntLogicalTypeAnnotation i && i.isSigned();
        switch (field.getPrimitiveTypeName()) {
            case INT64 -> {
                if (kind == PgType.Kind.BIGINT && plainInteger) {
                    f.longs = v -> f.out.fixedLong(v);
                } else if (logical instanceof TimestampLogicalTypeAnnotation t && timestampFits(t, type)) {
                    f.longs = f.timestamp(t.getUnit() == TimeUnit.MILLIS ? 1_000L : 1L);
                } else if (decimalFits(field, type)) {
                    f.longs = f.decimal((DecimalLogicalTypeAnnotation) logical);
                }
            }
            case INT32 -> {
                if (kind == PgType.Kind.BIGINT && plainInteger) {
                    f.ints = v -> f.out.fixedLong(v);
                } else if (kind == PgType.Kind.INTEGER && plainInteger) {
                    f.ints = v -> f.out.fixedInt(v);
                } else if (kind == PgType.Kind.DATE && logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                    f.ints = f.date();
                } else if (decimalFits(field, type)) {
                    LongWriter decimal = f.decimal((DecimalLogicalTypeAnnotation) logical);
                    f.ints = decimal::write;
                }
            }
            case DOUBLE -> {
                if (kind == PgType.Kind.DOUBLE) {
                    f.doubles = v -> f.out.fixedLong(Double.doubleToLongBits(v));
                }
            }
            case FLOAT -> {
                if (kind == PgType.Kind.REAL) {
                    f.floats = v -> f.out.fixedInt(Float.floatToIntBits(v));
                }
            }
            case BOOLEAN -> {
                if (kind == PgType.Kind.BOOLEAN) {
                    f.booleans = v -> f.out.bool(v);
                }
            }
            case BINARY -> {
                if (textual(logical) && (kind == PgType.Kind.TEXT || kind == PgType.Kind.VARCHAR && type.length() == null)) {
                    f.binaries = f::text;
                }
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                if (kind == PgType.Kind.UUID && logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
                    f.binaries = v -> {
                        if (v.length() == 16) {
                            f.out.uuid(v.getBytesUnsafe(), 0);
                        } else {
                            f.general(f.conversion.ofBinary(v));
                        }
                    };
                }
            }
            case INT96 -> {
                // Impala's timestamps: the row reader's conversion
            }
        }
        return f;
    }

    /** Strings, and binaries without an annotation (the row reader reads both into text columns as UTF-8). */
    private static boolean textual(LogicalTypeAnnotation logical) {
        return logical == null || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }

    /** Milli- or microseconds into a timestamp column that keeps them without rounding (6 digits unless said). */
    private static boolean timestampFits(TimestampLogicalTypeAnnotation t, PgType type) {
        boolean column = type.kind() == PgType.Kind.TIMESTAMPTZ || type.kind() == PgType.Kind.TIMESTAMP;
        int digits = t.getUnit() == TimeUnit.MICROS ? 6 : t.getUnit() == TimeUnit.MILLIS ? 3 : 9;
        return column && digits <= 6 && (type.precision() == null || type.precision() >= digits);
    }

    /** A decimal into a numeric column that holds each of its values as it is (same scale, room for its digits). */
    private static boolean decimalFits(PrimitiveType field, PgType type) {
        if (type.kind() != PgType.Kind.NUMERIC || !(field.getLogicalTypeAnnotation() instanceof DecimalLogicalTypeAnnotation d)) {
            return false;
        }
        return type.precision() == null
                || type.scale() == d.getScale() && d.getPrecision() - d.getScale() <= type.precision() - type.scale();
    }

    /** Days since 1970-01-01 as days since PostgreSQL's epoch. */
    private IntWriter date() {
        return v -> {
            long days = v - CopyBinaryEncoder.PG_EPOCH_DAY;
            if (days == (int) days) {
                out.fixedInt((int) days);
            } else {
                general(conversion.ofInt(v));
            }
        };
    }

    /**
     * Milli- or microseconds since 1970-01-01 (UTC, or local: the same count either way) as
     * microseconds since PostgreSQL's epoch; years outside 1-9999 go the row reader's way (which
     * rejects them).
     */
    private LongWriter timestamp(long microsPerUnit) {
        return v -> {
            long micros = v * microsPerUnit;
            if (micros / microsPerUnit == v && micros >= MIN_MICROS && micros < END_MICROS) {
                out.fixedLong(micros - PG_EPOCH_MICROS);
            } else {
                general(conversion.ofLong(v));
            }
        };
    }

    /** A decimal's unscaled integer, within its declared digits, straight into numeric's base-10000 digits. */
    private LongWriter decimal(DecimalLogicalTypeAnnotation d) {
        int scale = d.getScale();
        long bound = d.getPrecision() < CopyBinaryEncoder.LONG_TENS.length ? CopyBinaryEncoder.LONG_TENS[d.getPrecision()] : Long.MAX_VALUE;
        return v -> {
            if (v > -bound && v < bound) {
                out.numeric(v, scale);
            } else {
                general(conversion.ofLong(v)); // more digits than declared: the row reader decides
            }
        };
    }

    /** ASCII text without NUL as its bytes; anything else decoded and checked as the row reader does. */
    private void text(Binary value) throws SQLException {
        ByteBuffer bytes = value.toByteBuffer();
        int length = bytes.remaining();
        byte[] array;
        int offset;
        if (bytes.hasArray()) {
            array = bytes.array();
            offset = bytes.arrayOffset() + bytes.position();
        } else {
            if (copy.length < length) {
                copy = new byte[Math.max(length, copy.length * 2)];
            }
            bytes.duplicate().get(copy, 0, length);
            array = copy;
            offset = 0;
        }
        for (int i = offset, end = offset + length; i < end; i++) {
            if (array[i] <= 0) { // NUL, or a byte of a multi-byte character
                general(conversion.ofBinary(value));
                return;
            }
        }
        out.ascii(array, offset, length);
    }

    /** Writes into {@code out} from now on. */
    void into(CopyBinaryEncoder out) {
        this.out = out;
    }

    @Override
    public void ofNull() {
        if (notNull) {
            throw ParquetCopy.Rejected.INSTANCE;
        }
        try {
            out.nullField();
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    @Override
    public void ofInt(int value) {
        try {
            ints.write(value);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    @Override
    public void ofLong(long value) {
        try {
            longs.write(value);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    @Override
    public void ofBoolean(boolean value) {
        try {
            booleans.write(value);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    @Override
    public void ofFloat(float value) {
        try {
            floats.write(value);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    @Override
    public void ofDouble(double value) {
        try {
            doubles.write(value);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    @Override
    public void ofBinary(Binary value) {
        try {
            binaries.write(value);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }

    /** A value as the row reader converts it. */
    private void general(Object converted) throws SQLException {
        if (converted == ParquetConversion.REJECTED) {
            throw ParquetCopy.Rejected.INSTANCE;
        }
        out.value(kind, converted, column, 0);
    }

    /** Encodes every entry once, as this field writes a value (null: one the row reader rejects). */
    @Override
    public void dictionary(Dictionary dictionary) {
        if (scratch == null) {
            scratchBytes = new ByteArrayOutputStream();
            scratch = new CopyBinaryEncoder(new PgType.Kind[0], (b, offset, length) -> scratchBytes.write(b, offset, length));
        }
        CopyBinaryEncoder target = out;
        out = scratch;
        try {
            entries = new byte[dictionary.getMaxId() + 1][];
            for (int id = 0; id < entries.length; id++) {
                try {
                    ParquetValueSink.giveEntry(dictionary, id, physical, this);
                    scratch.flush();
                    entries[id] = scratchBytes.toByteArray();
                } catch (ParquetCopy.Rejected e) {
                    scratch.flush();
                    entries[id] = null;
                }
                scratchBytes.reset();
            }
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e); // not from a buffer in memory
        } finally {
            out = target;
        }
    }

    @Override
    public void ofEntry(int id) {
        byte[] entry = entries[id];
        if (entry == null) {
            throw ParquetCopy.Rejected.INSTANCE;
        }
        try {
            out.encoded(entry);
        } catch (SQLException e) {
            throw new ParquetCopy.Failed(e);
        }
    }
}
