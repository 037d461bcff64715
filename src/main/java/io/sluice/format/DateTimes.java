package io.sluice.format;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Hand-written ISO-8601 parsers for DATE, TIME, TIMESTAMP and TIMESTAMPTZ text: a few tens of
 * nanoseconds a value and no exceptions, where {@code java.time}'s formatters take microseconds.
 * Fractional seconds are rounded half-up to the column's precision (default 6), as PostgreSQL does.
 */
final class DateTimes {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_DAY = 86_400L * NANOS_PER_SECOND;
    private static final int DEFAULT_PRECISION = 6;

    private DateTimes() {
    }

    /** {@code yyyy-MM-dd}. */
    static Object date(String text) {
        String s = Conversions.trim(text);
        LocalDate date = s.length() == 10 ? dateAt(s, 0) : null;
        return date == null ? Failure.EXPECTED_DATE : date;
    }

    /** {@code HH:mm[:ss[.fraction]]}. */
    static Object time(String text, Integer precision) {
        String s = Conversions.trim(text);
        long time = s.length() <= MAX_LENGTH ? timeAt(s, 0, s.length()) : -1;
        if (time < 0 || endOf(time) != s.length()) {
            return Failure.EXPECTED_TIME;
        }
        long nanos = round(nanosOf(time), precision);
        // 23:59:59.9999999 rounds up to midnight, which a LocalTime cannot hold: keep the last instant
        return LocalTime.ofNanoOfDay(Math.min(nanos, NANOS_PER_DAY - unit(precision)));
    }

    /**
     * {@code yyyy-MM-dd[('T'|' ')HH:mm[:ss[.fraction]]][ ][offset]} with offset {@code Z}, {@code UTC},
     * {@code ±HH}, {@code ±HH:mm} or {@code ±HHmm}. A LocalDateTime without a zone; with one, an
     * OffsetDateTime, a missing offset meaning UTC. Without a zone an offset is ignored, as
     * PostgreSQL ignores it for {@code timestamp without time zone}.
     */
    static Object timestamp(String text, Integer precision, boolean withZone) {
        String s = Conversions.trim(text);
        int length = s.length();
        LocalDate date = length >= 10 && length <= MAX_LENGTH ? dateAt(s, 0) : null;
        if (date == null) {
            return Failure.EXPECTED_TIMESTAMP;
        }
        long nanos = 0;
        int at = 10;
        if (at < length && (s.charAt(at) == 'T' || s.charAt(at) == 't' || s.charAt(at) == ' ')
                && at + 1 < length && isDigit(s.charAt(at + 1))) {
            long time = timeAt(s, at + 1, length);
            if (time < 0) {
                return Failure.EXPECTED_TIMESTAMP;
            }
            nanos = nanosOf(time);
            at = endOf(time);
        }
        int offsetSeconds = offsetAt(s, at, length);
        if (offsetSeconds == NO_OFFSET) {
            return Failure.EXPECTED_TIMESTAMP;
        }
        nanos = round(nanos, precision);
        LocalDateTime local = nanos < NANOS_PER_DAY
                ? LocalDateTime.of(date, LocalTime.ofNanoOfDay(nanos))
                : date.atStartOfDay().plusNanos(nanos);
        if (!withZone) {
            return local;
        }
        return OffsetDateTime.of(local, offsetSeconds == 0 ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(offsetSeconds));
    }

    /**
     * A date-time already typed (Parquet, JSON) with its fractional seconds rounded to the column's
     * precision like text is; null for a year the text path refuses too (outside 1-9999), so that
     * the caller reports it the same way.
     */
    static LocalDateTime rounded(LocalDateTime value, Integer precision) {
        if (value.getYear() < 1 || value.getYear() > 9999) {
            return null;
        }
        long nano = value.getNano();
        long kept = round(nano, precision);
        return kept == nano ? value : value.withNano(0).plusNanos(kept);
    }

    /** {@link #rounded(LocalDateTime, Integer)} keeping the offset. */
    static OffsetDateTime rounded(OffsetDateTime value, Integer precision) {
        LocalDateTime local = rounded(value.toLocalDateTime(), precision);
        return local == null ? null : local == value.toLocalDateTime() ? value : OffsetDateTime.of(local, value.getOffset());
    }

    /** Longer text is never a date or time; it also keeps {@link #timeAt}'s end index in 8 bits. */
    private static final int MAX_LENGTH = 64;

    /** {@code yyyy-MM-dd} exactly, from ASCII bytes, as {@link #date} reads it; null for anything else. */
    static LocalDate plainDate(byte[] b, int at, int length) {
        if (length != 10 || b[at + 4] != '-' || b[at + 7] != '-') {
            return null;
        }
        return dateOf(digits(b, at, 4), digits(b, at + 5, 2), digits(b, at + 8, 2));
    }

    private static int digits(byte[] b, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static LocalDate dateAt(String s, int at) {
        int year = digits(s, at, 4);
        int month = s.charAt(at + 4) == '-' ? digits(s, at + 5, 2) : -1;
        int day = s.charAt(at + 7) == '-' ? digits(s, at + 8, 2) : -1;
        return dateOf(year, month, day);
    }

    /** The date, or null when the fields (-1: not digits) name none PostgreSQL and the calendar know. */
    private static LocalDate dateOf(int year, int month, int day) {
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /**
     * {@code H[H]:mm[:ss[.f…]]} at s[at, …): its nanoseconds of the day and the index after it, packed
     * (see {@link #nanosOf}, {@link #endOf}), or -1.
     */
    private static long timeAt(String s, int at, int length) {
        int i = at;
        int hour = 0;
        int hourDigits = 0;
        while (i < length && hourDigits < 2 && isDigit(s.charAt(i))) {
            hour = hour * 10 + s.charAt(i++) - '0';
            hourDigits++;
        }
        if (hourDigits == 0 || hour > 23 || i + 3 > length || s.charAt(i) != ':') {
            return -1;
        }
        int minute = digits(s, i + 1, 2);
        if (minute < 0 || minute > 59) {
            return -1;
        }
        i += 3;
        int second = 0;
        long fraction = 0;
        if (i < length && s.charAt(i) == ':') {
            second = i + 3 <= length ? digits(s, i + 1, 2) : -1;
            if (second < 0 || second > 59) {
                return -1;
            }
            i += 3;
            if (i < length && s.charAt(i) == '.') {
                int start = ++i;
                long scale = NANOS_PER_SECOND;
                while (i < length && isDigit(s.charAt(i))) {
                    if (scale > 1) {
                        scale /= 10;
                        fraction += (s.charAt(i) - '0') * scale;
                    }
                    i++;
                }
                if (i == start) {
                    return -1;
                }
            }
        }
        long nanos = ((hour * 60L + minute) * 60L + second) * NANOS_PER_SECOND + fraction;
        return nanos << 8 | i;
    }

    private static long nanosOf(long time) {
        return time >>> 8;
    }

    private static int endOf(long time) {
        return (int) (time & 0xFF);
    }

    private static final int NO_OFFSET = Integer.MIN_VALUE;

    /** Offset in seconds of an optional zone at s[at, length) (0 when there is none), or NO_OFFSET. */
    private static int offsetAt(String s, int at, int length) {
        int i = at;
        if (i < length && s.charAt(i) == ' ') {
            i++;
        }
        if (i == length) {
            return i == at ? 0 : NO_OFFSET;
        }
        char c = s.charAt(i);
        if ((c == 'Z' || c == 'z') && i + 1 == length) {
            return 0;
        }
        if (length - i == 3 && (s.regionMatches(true, i, "UTC", 0, 3) || s.regionMatches(true, i, "GMT", 0, 3))) {
            return 0;
        }
        if (c != '+' && c != '-') {
            return NO_OFFSET;
        }
        int hours = i + 3 <= length ? digits(s, i + 1, 2) : -1;
        int j = i + 3;
        int minutes = 0;
        if (j < length) {
            if (s.charAt(j) == ':') {
                j++;
            }
            minutes = j + 2 == length ? digits(s, j, 2) : -1;
            j += 2;
        }
        if (hours < 0 || hours > 15 || minutes < 0 || minutes > 59 || j < length) {
            return NO_OFFSET;
        }
        int seconds = (hours * 60 + minutes) * 60;
        return c == '-' ? -seconds : seconds;
    }

    private static long round(long nanos, Integer precision) {
        long unit = unit(precision);
        return unit == 1 ? nanos : (nanos + unit / 2) / unit * unit;
    }

    /** Nanoseconds in the last fractional digit a column of this precision keeps. */
    private static long unit(Integer precision) {
        int digits = precision == null ? DEFAULT_PRECISION : Math.min(precision, 9);
        long unit = 1;
        for (int i = digits; i < 9; i++) {
            unit *= 10;
        }
        return unit;
    }

    /** The value of {@code count} ASCII digits at s[at, at + count), or -1. */
    static int digits(String s, int at, int count) {
        if (at + count > s.length()) {
            return -1;
        }
        if (count == 2) {
            char tens = s.charAt(at);
            char ones = s.charAt(at + 1);
            return isDigit(tens) && isDigit(ones) ? (tens - '0') * 10 + ones - '0' : -1;
        }
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + c - '0';
        }
        return value;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
