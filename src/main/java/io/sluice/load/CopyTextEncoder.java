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

import io.sluice.pipeline.program.PgType;
import io.vertx.core.buffer.Buffer;

/**
 * PostgreSQL's COPY text format (tab-separated, {@code \N} for NULL, backslash escapes) in UTF-8: for
 * tables with a column that has no binary form here ({@link CopyEncoder#forKinds}).
 *
 * <p>Every value is written in a form PostgreSQL reads whatever the session's DateStyle, IntervalStyle
 * and TimeZone: ISO dates with an explicit {@code BC} before year 1, timestamptz as UTC with {@code +00},
 * numeric in plain notation, bytea in hex. A NUL character, which PostgreSQL text cannot hold, refuses
 * the batch with the error PostgreSQL gives for it (SQLSTATE 22021); the readers turn such values into
 * row errors before they reach a batch.
 */
final class CopyTextEncoder extends CopyEncoder {
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BC = " BC".getBytes(StandardCharsets.US_ASCII);
    /** The longest fixed-size value (a timestamp with 5+ digit years and " BC"), with room to spare. */
    private static final int FIXED_MAX = 64;

    CopyTextEncoder(PgType.Kind[] kinds, Sink sink) {
        super(kinds, sink);
    }

    @Override
    void rows(Object[][] columns, int size, boolean withOrdinal) throws SQLException {
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

    /** UTF-8 with COPY's escapes for backslash, tab, newline and carriage return. */
    private void writeText(String text, int column, int row) throws SQLException {
        int length = text.length();
        for (int i = 0; i < length;) {
            int end = Math.min(length, i + SLICE);
            ensure(UTF8_MAX * (end - i) + UTF8_MAX + 1);
            i = writeUtf8(text, i, end, true, column, row);
        }
    }
}
