package io.sluice.format;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.sluice.pipeline.program.PgType;
import io.vertx.core.buffer.Buffer;

/**
 * Source values to the Java values {@link RowBatch} holds for each PostgreSQL type, or a {@link Failure}.
 * No exceptions on the way to a valid value: the hot path of CSV loading runs through here.
 */
final class Conversions {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** PostgreSQL's numeric limits: digits before and after the decimal point. */
    private static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
    private static final int NUMERIC_MAX_SCALE = 16_383;

    private Conversions() {
    }

    /** Text (never null) to the column's type. */
    static Object fromText(PgType type, String text) {
        return switch (type.kind()) {
            case BIGINT, INTEGER, SMALLINT -> integer(text, type.kind());
            case BOOLEAN -> bool(text);
            case REAL -> floating(text, true);
            case DOUBLE -> floating(text, false);
            case NUMERIC -> numeric(text, type);
            case TEXT -> text.indexOf('\0') >= 0 ? Failure.NUL_CHARACTER : text;
            case VARCHAR -> limited(text, type.length(), false);
            case CHAR -> limited(text, type.length() == null ? 1 : type.length(), true);
            case DATE -> DateTimes.date(text);
            case TIME -> DateTimes.time(text, type.precision());
            case TIMESTAMP -> DateTimes.timestamp(text, type.precision(), false);
            case TIMESTAMPTZ -> DateTimes.timestamp(text, type.precision(), true);
            case UUID -> uuid(text);
            case JSONB -> json(text);
            case BYTEA -> bytea(text);
            case INTERVAL -> IntervalSyntax.isInterval(text) ? trim(text) : Failure.EXPECTED_INTERVAL;
        };
    }

    /**
     * The value of {@code bytes[from, from + length)} for the plainest text of a few types, without
     * decoding it: {@code [-]digits} (up to 18) for the integer types, {@code yyyy-MM-dd} for date.
     * Whatever it returns, {@link #fromText} returns for the same text; null means "not that plain":
     * the caller converts the text instead (which also words any failure).
     */
    static Object fromPlainBytes(PgType.Kind kind, byte[] bytes, int from, int length) {
        return switch (kind) {
            case BIGINT, INTEGER, SMALLINT -> plainInteger(kind, bytes, from, length);
            case DATE -> DateTimes.plainDate(bytes, from, length);
            default -> null;
        };
    }

    private static Object plainInteger(PgType.Kind kind, byte[] bytes, int from, int length) {
        int i = from;
        int to = from + length;
        boolean negative = length > 0 && bytes[from] == '-';
        if (negative) {
            i++;
        }
        if (i == to || to - i > 18) {
            return null;
        }
        long value = 0;
        for (; i < to; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return null;
            }
            value = value * 10 + digit;
        }
        value = negative ? -value : value;
        return switch (kind) {
            case SMALLINT -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE ? Short.valueOf((short) value) : null;
            case INTEGER -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? Integer.valueOf((int) value) : null;
            default -> Long.valueOf(value);
        };
    }

    /**
     * A typed value (from JSON or Parquet, never null) to the column's type: kept as it is where the
     * types agree, widened where that is exact, and otherwise judged by its text.
     */
    static Object fromValue(PgType type, Object value) {
        if (value instanceof String text) {
            return fromText(type, text);
        }
        // the common case of typed sources (a Parquet int64 into bigint): the boxed value as it is
        if (value instanceof Long && type.kind() == PgType.Kind.BIGINT || value instanceof Integer && type.kind() == PgType.Kind.INTEGER) {
            return value;
        }
        Object converted = switch (type.kind()) {
            case BIGINT, INTEGER, SMALLINT -> isIntegral(value) ? inRange(((Number) value).longValue(), type.kind()) : null;
            case BOOLEAN -> value instanceof Boolean ? value : null;
            case REAL -> value instanceof Float ? value : null;
            case DOUBLE -> value instanceof Double ? value : value instanceof Float ? Double.valueOf(value.toString()) : null;
            case NUMERIC -> value instanceof BigDecimal decimal ? fit(decimal, type)
                    : isIntegral(value) ? fit(BigDecimal.valueOf(((Number) value).longValue()), type) : null;
            case DATE -> value instanceof LocalDate ? value : null;
            case TIMESTAMP -> value instanceof LocalDateTime local ? DateTimes.rounded(local, type.precision())
                    : value instanceof OffsetDateTime instant ? DateTimes.rounded(instant.toLocalDateTime(), type.precision()) : null;
            case TIMESTAMPTZ -> value instanceof OffsetDateTime instant ? DateTimes.rounded(instant, type.precision())
                    : value instanceof LocalDateTime local ? DateTimes.rounded(local.atOffset(ZoneOffset.UTC), type.precision())
                    : value instanceof Instant instant ? DateTimes.rounded(instant.atOffset(ZoneOffset.UTC), type.precision()) : null;
            case UUID -> value instanceof UUID ? value : null;
            case BYTEA -> value instanceof byte[] bytes ? Buffer.buffer(bytes) : null;
            case TEXT, VARCHAR, CHAR -> value instanceof byte[] bytes ? fromText(type, new String(bytes, StandardCharsets.UTF_8)) : null;
            case TIME, JSONB, INTERVAL -> null;
        };
        return converted != null ? converted : fromText(type, String.valueOf(value));
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    // ---- integers ------------------------------------------------------------------------------

    private static Object integer(String text, PgType.Kind kind) {
        String s = trim(text);
        int length = s.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (i == length) {
            return Failure.EXPECTED_INTEGER;
        }
        // accumulate negatively, as Long.parseLong does, so that Long.MIN_VALUE fits; up to 18
        // digits cannot overflow, so only longer numbers pay for the checks
        boolean mayOverflow = length - i > 18;
        long value = 0;
        boolean overflow = false;
        for (; i < length; i++) {
            int digit = s.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return Failure.EXPECTED_INTEGER;
            }
            if (mayOverflow && (value < Long.MIN_VALUE / 10 || value * 10 < Long.MIN_VALUE + digit)) {
                overflow = true;
            } else {
                value = value * 10 - digit;
            }
        }
        if (overflow || (!negative && value == Long.MIN_VALUE)) {
            return outOfRange(s, kind);
        }
        return inRange(negative ? value : -value, kind);
    }

    private static Object inRange(long value, PgType.Kind kind) {
        return switch (kind) {
            case SMALLINT -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE
                    ? (Object) Short.valueOf((short) value) : outOfRange(Long.toString(value), kind);
            case INTEGER -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE
                    ? (Object) Integer.valueOf((int) value) : outOfRange(Long.toString(value), kind);
            default -> Long.valueOf(value);
        };
    }

    private static Failure outOfRange(String value, PgType.Kind kind) {
        return new Failure("Value " + value + " out of range for " + kind.name().toLowerCase(java.util.Locale.ROOT));
    }

    // ---- booleans ------------------------------------------------------------------------------

    private static Object bool(String text) {
        String s = trim(text);
        return switch (s.length()) {
            case 1 -> switch (s.charAt(0)) {
                case 't', 'T', 'y', 'Y', '1' -> Boolean.TRUE;
                case 'f', 'F', 'n', 'N', '0' -> Boolean.FALSE;
                default -> Failure.EXPECTED_BOOLEAN;
            };
            case 2 -> s.equalsIgnoreCase("on") ? Boolean.TRUE : s.equalsIgnoreCase("no") ? Boolean.FALSE : Failure.EXPECTED_BOOLEAN;
            case 3 -> s.equalsIgnoreCase("yes") ? Boolean.TRUE : s.equalsIgnoreCase("off") ? Boolean.FALSE : Failure.EXPECTED_BOOLEAN;
            case 4 -> s.equalsIgnoreCase("true") ? Boolean.TRUE : Failure.EXPECTED_BOOLEAN;
            case 5 -> s.equalsIgnoreCase("false") ? Boolean.FALSE : Failure.EXPECTED_BOOLEAN;
            default -> Failure.EXPECTED_BOOLEAN;
        };
    }

    // ---- floating point and numeric ------------------------------------------------------------

    private static Object floating(String text, boolean real) {
        String s = trim(text);
        if (!isDecimal(s)) {
            Double special = special(s);
            if (special == null) {
                return Failure.EXPECTED_NUMBER;
            }
            return real ? (Object) special.floatValue() : special;
        }
        if (real) {
            float value = Float.parseFloat(s);
            return Float.isInfinite(value) ? new Failure("Value " + s + " out of range for real") : (Object) value;
        }
        double value = Double.parseDouble(s);
        return Double.isInfinite(value) ? new Failure("Value " + s + " out of range for double precision") : (Object) value;
    }

    /** NaN, Infinity, -Infinity, inf and -inf, in any case, as PostgreSQL accepts them; else null. */
    private static Double special(String s) {
        boolean signed = s.startsWith("-") || s.startsWith("+");
        String word = signed ? s.substring(1) : s;
        if (word.equalsIgnoreCase("infinity") || word.equalsIgnoreCase("inf")) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return !signed && word.equalsIgnoreCase("nan") ? Double.NaN : null;
    }

    /** {@code [+-]digits[.digits][(e|E)[+-]digits]} with at least one digit before the exponent. */
    private static boolean isDecimal(String s) {
        int length = s.length();
        int i = 0;
        if (i < length && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < length && DateTimes.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < length && s.charAt(i) == '.') {
            i++;
            while (i < length && DateTimes.isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < length && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < length && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < length && DateTimes.isDigit(s.charAt(i))) {
                i++;
                exponentDigits++;
            }
            return exponentDigits > 0 && exponentDigits <= 9 && i == length;
        }
        return i == length;
    }

    private static Object numeric(String text, PgType type) {
        String s = trim(text);
        BigDecimal small = smallDecimal(s);
        if (small != null) {
            return fit(small, type);
        }
        if (!isDecimal(s)) {
            return s.equalsIgnoreCase("nan") ? new Failure("NaN is not supported for numeric") : Failure.EXPECTED_NUMBER;
        }
        return fit(new BigDecimal(s), type);
    }

    /** {@code [+-]digits[.digits]} of at most 18 digits without an exponent, parsed without BigDecimal's parser; else null. */
    private static BigDecimal smallDecimal(String s) {
        int length = s.length();
        if (length == 0 || length > 19) {
            return null;
        }
        int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        long unscaled = 0;
        int digits = 0;
        int scale = -1;
        for (; i < length; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                unscaled = unscaled * 10 + (c - '0');
                digits++;
                if (scale >= 0) {
                    scale++;
                }
            } else if (c == '.' && scale < 0) {
                scale = 0;
            } else {
                return null;
            }
        }
        if (digits == 0 || digits > 18) {
            return null;
        }
        return BigDecimal.valueOf(s.charAt(0) == '-' ? -unscaled : unscaled, Math.max(scale, 0));
    }

    /** Rounds half away from zero to the column's scale, as PostgreSQL does, and checks the precision. */
    static Object fit(BigDecimal value, PgType type) {
        long integerDigits = (long) value.precision() - value.scale();
        if (type.precision() == null) {
            return integerDigits > NUMERIC_MAX_INTEGER_DIGITS || value.scale() > NUMERIC_MAX_SCALE
                    ? new Failure("Value out of range for numeric") : value;
        }
        int precision = type.precision();
        int scale = type.scale();
        // rounding adds at most one digit: reject far too large values before setScale materializes them
        if (value.signum() != 0 && integerDigits > precision - scale + 1) {
            return numericOverflow(type);
        }
        BigDecimal rounded = value.setScale(scale, RoundingMode.HALF_UP);
        if (rounded.signum() != 0 && rounded.precision() - rounded.scale() > precision - scale) {
            return numericOverflow(type);
        }
        return rounded;
    }

    private static Failure numericOverflow(PgType type) {
        int integerDigits = type.precision() - type.scale();
        return new Failure("Value does not fit numeric(" + type.precision() + "," + type.scale() + "): at most "
                + Math.max(integerDigits, 0) + " digits before the decimal point");
    }

    // ---- text ----------------------------------------------------------------------------------

    /** VARCHAR(n)/CHAR(n): longer values are errors unless the excess is spaces, which PostgreSQL drops. */
    private static Object limited(String text, Integer length, boolean blankPadded) {
        if (text.indexOf('\0') >= 0) {
            return Failure.NUL_CHARACTER;
        }
        if (length == null || text.length() <= length || text.codePointCount(0, text.length()) <= length) {
            return text;
        }
        int end = text.offsetByCodePoints(0, length);
        for (int i = end; i < text.length(); i++) {
            if (text.charAt(i) != ' ') {
                return new Failure("Value longer than " + length + " characters");
            }
        }
        return blankPadded || end < text.length() ? text.substring(0, end) : text;
    }

    // ---- uuid, json, bytea ---------------------------------------------------------------------

    /** 32 hex digits, hyphens allowed after any group of four (canonical 8-4-4-4-12), optionally in braces. */
    private static Object uuid(String text) {
        String s = trim(text);
        int from = 0;
        int to = s.length();
        if (to > 1 && s.charAt(0) == '{' && s.charAt(to - 1) == '}') {
            from++;
            to--;
        }
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '-' && digits > 0 && digits % 4 == 0 && i + 1 < to && s.charAt(i + 1) != '-') {
                continue;
            }
            int value = Character.digit(c, 16);
            if (value < 0 || digits == 32 || c > 'f') {
                return Failure.EXPECTED_UUID;
            }
            if (digits < 16) {
                high = high << 4 | value;
            } else {
                low = low << 4 | value;
            }
            digits++;
        }
        return digits == 32 ? new UUID(high, low) : Failure.EXPECTED_UUID;
    }

    /** Exactly one JSON value, without the {@code \u0000} and lone surrogates PostgreSQL's jsonb rejects. */
    static Object json(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            int depth = 0;
            JsonToken token = parser.nextToken();
            if (token == null) {
                return Failure.INVALID_JSON;
            }
            do {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME, VALUE_STRING -> {
                        Failure failure = jsonbCharacters(parser);
                        if (failure != null) {
                            return failure;
                        }
                    }
                    default -> {
                    }
                }
            } while (depth > 0 && (token = parser.nextToken()) != null);
            return depth == 0 && parser.nextToken() == null ? text : Failure.INVALID_JSON;
        } catch (IOException e) {
            return Failure.INVALID_JSON;
        }
    }

    private static Failure jsonbCharacters(JsonParser parser) throws IOException {
        char[] chars = parser.getTextCharacters();
        int end = parser.getTextOffset() + parser.getTextLength();
        for (int i = parser.getTextOffset(); i < end; i++) {
            char c = chars[i];
            if (c == '\0') {
                return new Failure("JSON contains \\u0000, which jsonb cannot store");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                    i++;
                } else {
                    return new Failure("JSON contains an unpaired Unicode surrogate");
                }
            }
        }
        return null;
    }

    /** PostgreSQL's bytea input: hex ({@code \x0a1b}) or escape format ({@code \\} and {@code \ooo} octal). */
    private static Object bytea(String text) {
        if (text.startsWith("\\x")) {
            return hex(text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (text.indexOf('\\') < 0) {
            return Buffer.buffer(bytes);
        }
        byte[] out = new byte[bytes.length];
        int n = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\\') {
                out[n++] = bytes[i];
            } else if (i + 1 < bytes.length && bytes[i + 1] == '\\') {
                out[n++] = '\\';
                i++;
            } else if (i + 3 < bytes.length && isOctal(bytes[i + 1], '3') && isOctal(bytes[i + 2], '7')
                    && isOctal(bytes[i + 3], '7')) {
                out[n++] = (byte) ((bytes[i + 1] - '0') << 6 | (bytes[i + 2] - '0') << 3 | (bytes[i + 3] - '0'));
                i += 3;
            } else {
                return Failure.INVALID_BYTEA;
            }
        }
        return Buffer.buffer(java.util.Arrays.copyOf(out, n));
    }

    private static boolean isOctal(byte b, char max) {
        return b >= '0' && b <= max;
    }

    private static Object hex(String text) {
        byte[] out = new byte[(text.length() - 2) / 2];
        int n = 0;
        int high = -1;
        for (int i = 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if (high < 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                continue;
            }
            int value = Character.digit(c, 16);
            if (value < 0 || c > 'f') {
                return Failure.INVALID_BYTEA;
            }
            if (high < 0) {
                high = value;
            } else {
                out[n++] = (byte) (high << 4 | value);
                high = -1;
            }
        }
        return high < 0 ? Buffer.buffer(java.util.Arrays.copyOf(out, n)) : Failure.INVALID_BYTEA;
    }

    /** Strips the blanks PostgreSQL's input functions ignore around numbers, dates and the like. */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isBlank(s.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(s.charAt(to - 1))) {
            to--;
        }
        return from == 0 && to == s.length() ? s : s.substring(from, to);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
