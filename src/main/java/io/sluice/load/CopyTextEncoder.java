package io.sluice.load;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.sluice.format.RowBatch;
import io.sluice.pipeline.program.PgType;
import io.vertx.core.buffer.Buffer;

/**
 * Writes {@link RowBatch}'s column-major typed arrays as the rows of PostgreSQL's COPY text format
 * (tab-separated, {@code \N} for NULL, backslash escapes) straight into UTF-8 bytes, in chunks of one
 * reused buffer handed to a {@link Sink}: no String per row or per batch.
 *
 * <p>Every value is written in a form PostgreSQL reads whatever the session's DateStyle, IntervalStyle
 * and TimeZone: ISO dates with an explicit {@code BC} before year 1, timestamptz as UTC with {@code +00},
 * numeric in plain notation, bytea in hex. A NUL character, which PostgreSQL text cannot hold, refuses
 * the batch with the error PostgreSQL gives for it (SQLSTATE 22021); the readers turn such values into
 * row errors before they reach a batch.
 */
final class CopyTextEncoder {
    /** Where full chunks of encoded rows go ({@code CopyIn::writeToCopy}). */
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    static final int CHUNK = 64 * 1024;
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BC = " BC".getBytes(StandardCharsets.US_ASCII);
    /** Characters of a string handled per capacity check: at most 3 bytes each, so one check covers a slice. */
    private static final int SLICE = 4096;
    /** The longest fixed-size value (a timestamp with 5+ digit years and " BC"), with room to spare. */
    private static final int FIXED_MAX = 64;

    private final PgType.Kind[] kinds;
    private final Sink sink;
    private byte[] buffer = new byte[CHUNK];
    private int position;
    private long bytesWritten;

    CopyTextEncoder(PgType.Kind[] kinds, Sink sink) {
        this.kinds = kinds;
        this.sink = sink;
    }

    /**
     * Encodes the first {@code size} rows of {@code columns}; with {@code withOrdinal} each row ends with
     * one more column, its index in the batch. Everything is handed to the sink when this returns.
     */
    void encode(Object[][] columns, int size, boolean withOrdinal) throws SQLException {
        check(kinds, columns, size);
        int last = columns.length - 1;
        for (int row = 0; row < size; row++) {
            for (int c = 0; c <= last; c++) {
                Object value = columns[c][row];
                if (value == null) {
                    ensure(3);
                    buffer[position++] = '\\';
                    buffer[position++] = 'N';
                } else {
                    value(kinds[c], value, c, row);
                }
                ensure(1);
                buffer[position++] = (byte) (c < last || withOrdinal ? '\t' : '\n');
            }
            if (withOrdinal) {
                ensure(FIXED_MAX);
                writeLong(row);
                buffer[position++] = '\n';
            }
        }
        flush();
    }

    /** Bytes handed to the sink so far. */
    long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Refuses columns whose arrays cannot hold their kind's Java type ({@link RowBatch#javaType}; bytea also
     * as {@code byte[]}; {@code Object[]} arrays are checked value by value as they are encoded).
     */
    static void check(PgType.Kind[] kinds, Object[][] columns, int size) {
        if (columns.length != kinds.length) {
            throw new IllegalArgumentException(columns.length + " columns for " + kinds.length + " kinds");
        }
        for (int c = 0; c < columns.length; c++) {
            Class<?> element = columns[c].getClass().getComponentType();
            Class<?> expected = RowBatch.javaType(kinds[c]);
            boolean bytes = kinds[c] == PgType.Kind.BYTEA && element == byte[].class;
            if (!bytes && element != Object.class && !expected.isAssignableFrom(element)) {
                throw new IllegalArgumentException("column " + c + " (" + kinds[c] + ") holds " + element.getSimpleName()
                        + ", not " + expected.getSimpleName());
            }
            if (columns[c].length < size) {
                throw new IllegalArgumentException("column " + c + " has " + columns[c].length + " rows, fewer than " + size);
            }
        }
    }

    private void value(PgType.Kind kind, Object value, int column, int row) throws SQLException {
        switch (kind) {
            case BIGINT -> {
                ensure(FIXED_MAX);
                writeLong((Long) value);
            }
            case INTEGER -> {
                ensure(FIXED_MAX);
                writeLong((Integer) value);
            }
            case SMALLINT -> {
                ensure(FIXED_MAX);
                writeLong((Short) value);
            }
            case BOOLEAN -> {
                ensure(1);
                buffer[position++] = (byte) ((Boolean) value ? 't' : 'f');
            }
            // Java's shortest round-trip digits; NaN, Infinity and -Infinity are spelled as PostgreSQL reads them.
            case REAL -> writeAscii(Float.toString((Float) value));
            case DOUBLE -> writeAscii(Double.toString((Double) value));
            case NUMERIC -> writeAscii(((BigDecimal) value).toPlainString());
            case TEXT, VARCHAR, CHAR, JSONB, INTERVAL -> writeText((String) value, column, row);
            case DATE -> {
                ensure(FIXED_MAX);
                LocalDate date = (LocalDate) value;
                writeDate(date);
                era(date.getYear());
            }
            case TIME -> {
                ensure(FIXED_MAX);
                writeTime((LocalTime) value);
            }
            case TIMESTAMP -> {
                ensure(FIXED_MAX);
                LocalDateTime timestamp = (LocalDateTime) value;
                writeTimestamp(timestamp);
                era(timestamp.getYear());
            }
            case TIMESTAMPTZ -> {
                ensure(FIXED_MAX);
                OffsetDateTime instant = (OffsetDateTime) value;
                LocalDateTime utc = instant.getOffset().getTotalSeconds() == 0 ? instant.toLocalDateTime()
                        : LocalDateTime.ofEpochSecond(instant.toEpochSecond(), instant.getNano(), ZoneOffset.UTC);
                writeTimestamp(utc);
                buffer[position++] = '+';
                buffer[position++] = '0';
                buffer[position++] = '0';
                era(utc.getYear());
            }
            case UUID -> {
                ensure(FIXED_MAX);
                UUID uuid = (UUID) value;
                writeHex(uuid.getMostSignificantBits() >>> 32, 8);
                buffer[position++] = '-';
                writeHex(uuid.getMostSignificantBits() >>> 16, 4);
                buffer[position++] = '-';
                writeHex(uuid.getMostSignificantBits(), 4);
                buffer[position++] = '-';
                writeHex(uuid.getLeastSignificantBits() >>> 48, 4);
                buffer[position++] = '-';
                writeHex(uuid.getLeastSignificantBits(), 12);
            }
            case BYTEA -> writeBytea(value instanceof Buffer b ? b.getBytes() : (byte[]) value);
        }
    }

    private void writeLong(long value) {
        if (value == Long.MIN_VALUE) {
            System.arraycopy(LONG_MIN, 0, buffer, position, LONG_MIN.length);
            position += LONG_MIN.length;
            return;
        }
        if (value < 0) {
            buffer[position++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = position + digits;
        for (int i = end - 1; i >= position; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        position = end;
    }

    private void writeDigits(int value, int width) {
        for (int i = position + width - 1; i >= position; i--) {
            buffer[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        position += width;
    }

    /** ISO year-month-day; years before 1 as their BC number (year 0 is 1 BC), more than 4 digits as they are. */
    private void writeDate(LocalDate date) {
        writeYearMonthDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth());
    }

    private void writeYearMonthDay(int isoYear, int month, int day) {
        int year = isoYear > 0 ? isoYear : 1 - isoYear;
        if (year > 9999) {
            writeLong(year);
        } else {
            writeDigits(year, 4);
        }
        buffer[position++] = '-';
        writeDigits(month, 2);
        buffer[position++] = '-';
        writeDigits(day, 2);
    }

    private void era(int isoYear) {
        if (isoYear <= 0) {
            System.arraycopy(BC, 0, buffer, position, BC.length);
            position += BC.length;
        }
    }

    private void writeTimestamp(LocalDateTime timestamp) {
        writeYearMonthDay(timestamp.getYear(), timestamp.getMonthValue(), timestamp.getDayOfMonth());
        buffer[position++] = ' ';
        writeTime(timestamp.toLocalTime());
    }

    /** HH:MM:SS with microseconds when there are any (PostgreSQL keeps microseconds; nanoseconds beyond are cut, as the binary path did). */
    private void writeTime(LocalTime time) {
        writeDigits(time.getHour(), 2);
        buffer[position++] = ':';
        writeDigits(time.getMinute(), 2);
        buffer[position++] = ':';
        writeDigits(time.getSecond(), 2);
        int micros = time.getNano() / 1000;
        if (micros != 0) {
            buffer[position++] = '.';
            writeDigits(micros, 6);
        }
    }

    private void writeHex(long value, int digits) {
        for (int i = position + digits - 1; i >= position; i--) {
            buffer[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        position += digits;
    }

    /** {@code \x} and two hex digits a byte; the backslash itself escaped for COPY. */
    private void writeBytea(byte[] bytes) throws SQLException {
        ensure(3);
        buffer[position++] = '\\';
        buffer[position++] = '\\';
        buffer[position++] = 'x';
        for (int i = 0; i < bytes.length; i += SLICE) {
            int end = Math.min(bytes.length, i + SLICE);
            ensure(2 * (end - i));
            for (int j = i; j < end; j++) {
                buffer[position++] = HEX[(bytes[j] >> 4) & 0xF];
                buffer[position++] = HEX[bytes[j] & 0xF];
            }
        }
    }

    /** Text known to be ASCII without anything to escape (numbers as Java prints them). */
    private void writeAscii(String text) throws SQLException {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            buffer[position++] = (byte) text.charAt(i);
        }
    }

    /**
     * UTF-8 with COPY's escapes for backslash, tab, newline and carriage return. A lone surrogate
     * becomes '?', as Java's UTF-8 encoder (and so the Vert.x client) writes it.
     */
    private void writeText(String text, int column, int row) throws SQLException {
        int length = text.length();
        int i = 0;
        while (i < length) {
            int end = Math.min(length, i + SLICE);
            // 3 bytes per char at most (a surrogate pair is 4 bytes for 2 chars); +4 for a pair across the slice end
            ensure(3 * (end - i) + 4);
            byte[] b = buffer;
            int p = position;
            for (; i < end; i++) {
                char ch = text.charAt(i);
                if (ch < 0x80) {
                    if (ch >= 0x20 && ch != '\\') {
                        b[p++] = (byte) ch;
                    } else {
                        p = control(b, p, ch, column, row);
                    }
                } else if (ch < 0x800) {
                    b[p++] = (byte) (0xC0 | (ch >> 6));
                    b[p++] = (byte) (0x80 | (ch & 0x3F));
                } else if (Character.isSurrogate(ch)) {
                    char low = i + 1 < length ? text.charAt(i + 1) : 0;
                    if (Character.isHighSurrogate(ch) && Character.isLowSurrogate(low)) {
                        int cp = Character.toCodePoint(ch, low);
                        b[p++] = (byte) (0xF0 | (cp >> 18));
                        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        b[p++] = (byte) (0x80 | (cp & 0x3F));
                        i++;
                    } else {
                        b[p++] = '?';
                    }
                } else {
                    b[p++] = (byte) (0xE0 | (ch >> 12));
                    b[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (ch & 0x3F));
                }
            }
            position = p;
        }
    }

    /** Backslash and control characters: COPY's escapes, NUL refused, other controls as they are. */
    private static int control(byte[] b, int p, char ch, int column, int row) throws SQLException {
        switch (ch) {
            case '\\' -> {
                b[p++] = '\\';
                b[p++] = '\\';
            }
            case '\t' -> {
                b[p++] = '\\';
                b[p++] = 't';
            }
            case '\n' -> {
                b[p++] = '\\';
                b[p++] = 'n';
            }
            case '\r' -> {
                b[p++] = '\\';
                b[p++] = 'r';
            }
            case '\0' -> throw new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00 (column " + (column + 1)
                    + ", row " + (row + 1) + " of the batch: PostgreSQL text cannot hold NUL characters)", "22021");
            default -> b[p++] = (byte) ch;
        }
        return p;
    }

    /** Room for {@code bytes} more bytes: hands the full part of the buffer to the sink first if needed. */
    private void ensure(int bytes) throws SQLException {
        if (position + bytes <= buffer.length) {
            return;
        }
        flush();
        if (bytes > buffer.length) {
            buffer = new byte[bytes];
        }
    }

    private void flush() throws SQLException {
        if (position > 0) {
            sink.write(buffer, 0, position);
            bytesWritten += position;
            position = 0;
        }
    }
}
