package io.sluice.load;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.sluice.pipeline.program.PgType;
import io.vertx.core.buffer.Buffer;

/**
 * PostgreSQL's binary COPY format: each value as its type's send/receive form (big-endian integers,
 * IEEE floats, microseconds since 2000-01-01, base-10000 numeric digits, raw UTF-8 text), so
 * PostgreSQL parses no text and the values need no escaping. What PostgreSQL refuses in text it
 * refuses here too: a NUL character (SQLSTATE 22021, before anything of the row is sent), dates and
 * timestamps outside its range (22008), numerics beyond its format (22003).
 */
final class CopyBinaryEncoder extends CopyEncoder {
    private static final byte[] SIGNATURE = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0 };
    /** 2000-01-01, PostgreSQL's epoch, in days and seconds after 1970-01-01. */
    static final long PG_EPOCH_DAY = 10_957;
    static final long PG_EPOCH_SECOND = PG_EPOCH_DAY * 86_400;
    private static final int NUMERIC_NEG = 0x4000;
    private static final int NUMERIC_MAX_DSCALE = 0x3FFF;
    static final long[] LONG_TENS = new long[19];

    static {
        LONG_TENS[0] = 1;
        for (int i = 1; i < LONG_TENS.length; i++) {
            LONG_TENS[i] = LONG_TENS[i - 1] * 10;
        }
    }

    /** The base-10000 digits of a small numeric: at most five before the point, four after. */
    private final short[] smallGroups = new short[9];

    CopyBinaryEncoder(PgType.Kind[] kinds, Sink sink) {
        super(kinds, sink);
    }

    /** Whether values of this kind have a binary form here. */
    static boolean encodes(PgType.Kind kind) {
        return kind != PgType.Kind.INTERVAL;
    }

    @Override
    void begin() throws SQLException {
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buffer, position, SIGNATURE.length);
        position += SIGNATURE.length;
        writeInt(0); // flags: no OIDs
        writeInt(0); // no header extension
    }

    @Override
    void rows(Object[][] columns, int size, boolean withOrdinal) throws SQLException {
        check(kinds, columns, size);
        int fields = columns.length + (withOrdinal ? 1 : 0);
        for (int row = 0; row < size; row++) {
            ensure(2);
            writeShort(fields);
            for (int c = 0; c < columns.length; c++) {
                Object value = columns[c][row];
                if (value == null) {
                    ensure(4);
                    writeInt(-1);
                } else {
                    value(kinds[c], value, c, row);
                }
            }
            if (withOrdinal) {
                ensure(12);
                writeInt(8);
                writeLong(row);
            }
        }
        flush();
    }

    @Override
    void end() throws SQLException {
        ensure(2);
        writeShort(-1);
        flush();
    }

    /** One non-NULL value of {@code kind} as its Java type ({@link io.sluice.format.RowBatch}). */
    void value(PgType.Kind kind, Object value, int column, int row) throws SQLException {
        switch (kind) {
            case BIGINT -> fixedLong((Long) value);
            case INTEGER -> fixedInt((Integer) value);
            case SMALLINT -> {
                ensure(6);
                writeInt(2);
                writeShort((Short) value);
            }
            case BOOLEAN -> {
                ensure(5);
                writeInt(1);
                buffer[position++] = (byte) ((Boolean) value ? 1 : 0);
            }
            case REAL -> fixedInt(Float.floatToIntBits((Float) value));
            case DOUBLE -> fixedLong(Double.doubleToLongBits((Double) value));
            case NUMERIC -> writeNumeric((BigDecimal) value);
            case TEXT, VARCHAR, CHAR -> writeText((String) value, -1, column, row);
            case JSONB -> writeText((String) value, 1, column, row); // jsonb's binary form: version 1, then the text
            case DATE -> {
                long days = ((LocalDate) value).toEpochDay() - PG_EPOCH_DAY;
                if (days != (int) days) {
                    throw outOfRange("date", value);
                }
                fixedInt((int) days);
            }
            case TIME -> fixedLong(((LocalTime) value).toNanoOfDay() / 1000);
            case TIMESTAMP -> {
                LocalDateTime t = (LocalDateTime) value;
                fixedLong(micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano(), "timestamp", value));
            }
            case TIMESTAMPTZ -> {
                OffsetDateTime t = (OffsetDateTime) value;
                fixedLong(micros(t.toEpochSecond(), t.getNano(), "timestamp with time zone", value));
            }
            case UUID -> {
                UUID uuid = (UUID) value;
                ensure(20);
                writeInt(16);
                writeLong(uuid.getMostSignificantBits());
                writeLong(uuid.getLeastSignificantBits());
            }
            case BYTEA -> writeBytes(value instanceof Buffer b ? b.getBytes() : (byte[]) value);
            case INTERVAL -> throw new IllegalStateException("interval has no binary form here: use the text format");
        }
    }

    /** Microseconds since PostgreSQL's epoch; nanoseconds beyond microseconds are cut, as in the text format. */
    private static long micros(long epochSecond, int nano, String type, Object value) throws SQLException {
        try {
            return Math.addExact(Math.multiplyExact(epochSecond - PG_EPOCH_SECOND, 1_000_000L), nano / 1000);
        } catch (ArithmeticException e) {
            throw outOfRange(type, value);
        }
    }

    private static SQLException outOfRange(String type, Object value) {
        return new SQLException(type + " out of range: \"" + value + "\"", "22008");
    }

    /** The start of a row of {@code fields} fields. */
    void rowStart(int fields) throws SQLException {
        ensure(2);
        writeShort(fields);
    }

    void nullField() throws SQLException {
        ensure(4);
        writeInt(-1);
    }

    void bool(boolean value) throws SQLException {
        ensure(5);
        writeInt(1);
        buffer[position++] = (byte) (value ? 1 : 0);
    }

    /** A field already encoded, length first (the entries of a Parquet dictionary, encoded once). */
    void encoded(byte[] field) throws SQLException {
        ensure(field.length);
        System.arraycopy(field, 0, buffer, position, field.length);
        position += field.length;
    }

    /** A text field from bytes the caller knows are ASCII without NUL (so UTF-8 as they are). */
    void ascii(byte[] bytes, int offset, int length) throws SQLException {
        ensure(4 + length);
        writeInt(length);
        System.arraycopy(bytes, offset, buffer, position, length);
        position += length;
    }

    /** A uuid field from its 16 bytes, most significant first. */
    void uuid(byte[] bytes, int offset) throws SQLException {
        ensure(20);
        writeInt(16);
        System.arraycopy(bytes, offset, buffer, position, 16);
        position += 16;
    }

    /** numeric {@code unscaled} × 10^-{@code scale}, as {@link #value} writes {@code BigDecimal.valueOf(unscaled, scale)}. */
    void numeric(long unscaled, int scale) throws SQLException {
        if (unscaled != 0 && unscaled != Long.MIN_VALUE && scale >= 0 && scale <= 16 && Math.abs(unscaled) < LONG_TENS[18]) {
            writeSmallNumeric(Math.abs(unscaled), Long.signum(unscaled), scale);
        } else {
            writeNumeric(BigDecimal.valueOf(unscaled, scale));
        }
    }

    void fixedInt(int value) throws SQLException {
        ensure(8);
        writeInt(4);
        writeInt(value);
    }

    void fixedLong(long value) throws SQLException {
        ensure(12);
        writeInt(8);
        writeLong(value);
    }

    /**
     * numeric's binary form: digit count, weight (of the first base-10000 digit), sign, display scale,
     * then the base-10000 digits, leading and trailing zero digits left out.
     */
    private void writeNumeric(BigDecimal value) throws SQLException {
        int scale = Math.max(value.scale(), 0);
        if (scale > NUMERIC_MAX_DSCALE) {
            throw new SQLException("numeric field overflow: scale " + scale + " exceeds " + NUMERIC_MAX_DSCALE, "22003");
        }
        if (value.signum() == 0) {
            ensure(12);
            writeInt(8);
            writeShort(0);
            writeShort(0);
            writeShort(0);
            writeShort(scale);
            return;
        }
        if (value.scale() >= 0 && value.scale() <= 16 && value.precision() <= 18) {
            writeSmallNumeric(Math.abs(value.unscaledValue().longValue()), value.signum(), scale);
            return;
        }
        String digits = (value.scale() < 0 ? value.setScale(0) : value).unscaledValue().abs().toString();
        // decimal digits before the point, then pad both sides to whole groups of four around the point
        int integerDigits = digits.length() - scale;
        int padLeft = Math.floorMod(-integerDigits, 4);
        int padded = padLeft + digits.length();
        int groups = (padded + 3) / 4;
        int weight = (integerDigits + padLeft) / 4 - 1;
        short[] base10000 = new short[groups];
        for (int g = 0; g < groups; g++) {
            int group = 0;
            for (int k = 0; k < 4; k++) {
                int i = g * 4 + k - padLeft;
                group = group * 10 + (i >= 0 && i < digits.length() ? digits.charAt(i) - '0' : 0);
            }
            base10000[g] = (short) group;
        }
        writeNumericGroups(base10000, groups, weight, value.signum(), scale);
    }

    /**
     * A numeric whose unscaled value fits a long and whose scale is at most 16 (money, prices,
     * Parquet's decimals up to 18 digits): its base-10000 digits by arithmetic, not through the
     * unscaled value's decimal string.
     */
    private void writeSmallNumeric(long unscaled, int signum, int scale) throws SQLException {
        long unit = LONG_TENS[scale];
        long integer = unscaled / unit;
        int fractionGroups = (scale + 3) / 4;
        // the fraction's digits, padded on the right to whole groups of four: below 10^16
        long fraction = (unscaled % unit) * LONG_TENS[fractionGroups * 4 - scale];
        int integerGroups = 0;
        for (long rest = integer; rest != 0; rest /= 10_000) {
            integerGroups++;
        }
        short[] groups = smallGroups;
        int g = integerGroups;
        for (long rest = integer; rest != 0; rest /= 10_000) {
            groups[--g] = (short) (rest % 10_000);
        }
        for (int f = fractionGroups - 1; f >= 0; f--) {
            groups[integerGroups + f] = (short) (fraction % 10_000);
            fraction /= 10_000;
        }
        writeNumericGroups(groups, integerGroups + fractionGroups, integerGroups - 1, signum, scale);
    }

    /** Writes the first {@code count} base-10000 digits, the first of weight {@code weight}, leading and trailing zero digits left out. */
    private void writeNumericGroups(short[] base10000, int count, int weight, int signum, int scale) throws SQLException {
        int first = 0;
        while (base10000[first] == 0) {
            first++;
        }
        int last = count - 1;
        while (base10000[last] == 0) {
            last--;
        }
        weight -= first;
        if (weight != (short) weight) {
            throw new SQLException("value overflows numeric format", "22003");
        }
        int digits = last - first + 1;
        ensure(12 + 2 * digits);
        writeInt(8 + 2 * digits);
        writeShort(digits);
        writeShort(weight);
        writeShort(signum < 0 ? NUMERIC_NEG : 0);
        writeShort(scale);
        for (int g = first; g <= last; g++) {
            writeShort(base10000[g]);
        }
    }

    private void writeBytes(byte[] bytes) throws SQLException {
        ensure(4);
        writeInt(bytes.length);
        for (int i = 0; i < bytes.length; i += SLICE) {
            int n = Math.min(SLICE, bytes.length - i);
            ensure(n);
            System.arraycopy(bytes, i, buffer, position, n);
            position += n;
        }
    }

    /**
     * Length, the optional {@code version} byte (-1: none), then the text in UTF-8. Short text is
     * encoded in place and its length written after; long text is measured first, so that it can
     * cross chunk boundaries.
     */
    private void writeText(String text, int version, int column, int row) throws SQLException {
        int length = text.length();
        int header = version < 0 ? 4 : 5;
        if (length <= SLICE) {
            ensure(header + UTF8_MAX * length);
            int start = position;
            position += header;
            writeUtf8(text, 0, length, false, column, row);
            int end = position;
            position = start;
            writeInt(end - start - 4);
            if (version >= 0) {
                buffer[position++] = (byte) version;
            }
            position = end;
            return;
        }
        ensure(header);
        writeInt(utf8Length(text, column, row) + header - 4);
        if (version >= 0) {
            buffer[position++] = (byte) version;
        }
        for (int i = 0; i < length;) {
            int end = Math.min(length, i + SLICE);
            ensure(UTF8_MAX * (end - i) + UTF8_MAX + 1);
            i = writeUtf8(text, i, end, false, column, row);
        }
    }

    private static int utf8Length(String text, int column, int row) throws SQLException {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) {
                if (ch == 0) {
                    throw nul(column, row);
                }
                bytes++;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += Character.isSurrogate(ch) ? 1 : 3;
            }
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new SQLException("a value of " + bytes + " bytes exceeds what one field can hold", "54000");
        }
        return (int) bytes;
    }

    private void writeShort(int value) {
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    private void writeInt(int value) {
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    private void writeLong(long value) {
        writeInt((int) (value >>> 32));
        writeInt((int) value);
    }
}
