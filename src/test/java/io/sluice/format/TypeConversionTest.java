package io.sluice.format;

import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.BOOLEAN;
import static io.sluice.pipeline.program.PgType.Kind.BYTEA;
import static io.sluice.pipeline.program.PgType.Kind.DATE;
import static io.sluice.pipeline.program.PgType.Kind.DOUBLE;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.INTERVAL;
import static io.sluice.pipeline.program.PgType.Kind.JSONB;
import static io.sluice.pipeline.program.PgType.Kind.REAL;
import static io.sluice.pipeline.program.PgType.Kind.SMALLINT;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.program.PgType.Kind.TIME;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMP;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMPTZ;
import static io.sluice.pipeline.program.PgType.Kind.UUID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.sluice.pipeline.program.PgType;
import io.vertx.core.buffer.Buffer;

/** Text to each column type, valid and invalid: what a CSV field becomes. */
class TypeConversionTest {

    private static Object convert(PgType.Kind kind, String text) {
        return Conversions.fromText(PgType.of(kind), text);
    }

    private static String failure(PgType type, String text) {
        Object result = Conversions.fromText(type, text);
        return assertInstanceOf(Failure.class, result, () -> text + " was accepted as " + result).message();
    }

    private static String failure(PgType.Kind kind, String text) {
        return failure(PgType.of(kind), text);
    }

    @Test
    void integers() {
        assertEquals(42L, convert(BIGINT, "42"));
        assertEquals(-42, convert(INTEGER, " -42 "));
        assertEquals((short) 7, convert(SMALLINT, "+7"));
        assertEquals(Long.MIN_VALUE, convert(BIGINT, "-9223372036854775808"));
        assertEquals(Long.MAX_VALUE, convert(BIGINT, "9223372036854775807"));
        assertEquals(Integer.MIN_VALUE, convert(INTEGER, "-2147483648"));
    }

    @Test
    void integersOutOfRange() {
        assertEquals("Value 32768 out of range for smallint", failure(SMALLINT, "32768"));
        assertEquals("Value 2147483648 out of range for integer", failure(INTEGER, "2147483648"));
        assertEquals("Value 9223372036854775808 out of range for bigint", failure(BIGINT, "9223372036854775808"));
        assertEquals("Value -99999999999999999999 out of range for bigint", failure(BIGINT, "-99999999999999999999"));
    }

    @ParameterizedTest
    @CsvSource({"true,true", "TRUE,true", "t,true", "Yes,true", "y,true", "1,true", "on,true",
        "false,false", "F,false", "no,false", "N,false", "0,false", "off,false", "' f ',false"})
    void booleans(String text, boolean expected) {
        assertEquals(expected, convert(BOOLEAN, text));
    }

    @Test
    void floatingPoint() {
        assertEquals(1.5, convert(DOUBLE, "1.5"));
        assertEquals(-2.5e-3, convert(DOUBLE, "-2.5E-3"));
        assertEquals(0.1f, convert(REAL, "0.1"));
        assertEquals(5.0, convert(DOUBLE, "5"));
        assertEquals(Double.NaN, convert(DOUBLE, "NaN"));
        assertEquals(Double.NEGATIVE_INFINITY, convert(DOUBLE, "-Infinity"));
        assertEquals(Float.POSITIVE_INFINITY, convert(REAL, "inf"));
        assertEquals(0.5, convert(DOUBLE, ".5"));
    }

    @Test
    void floatingPointOutOfRange() {
        assertEquals("Value 1e39 out of range for real", failure(REAL, "1e39"));
        assertEquals("Value 1e309 out of range for double precision", failure(DOUBLE, "1e309"));
    }

    @Test
    void numericRoundsHalfAwayFromZeroToItsScale() {
        PgType money = PgType.numeric(5, 2);
        assertEquals(new BigDecimal("123.46"), Conversions.fromText(money, "123.455"));
        assertEquals(new BigDecimal("-123.46"), Conversions.fromText(money, "-123.455"));
        assertEquals(new BigDecimal("1.00"), Conversions.fromText(money, "1"));
        assertEquals(new BigDecimal("0.00"), Conversions.fromText(money, "0.001"));
        assertEquals(new BigDecimal("120.00"), Conversions.fromText(money, "1.2e2"));
        assertEquals(new BigDecimal("999.99"), Conversions.fromText(money, "999.994"));
    }

    @Test
    void numericWithTooManyIntegerDigitsIsAnError() {
        PgType money = PgType.numeric(5, 2);
        String message = "Value does not fit numeric(5,2): at most 3 digits before the decimal point";
        assertEquals(message, failure(money, "1000"));
        assertEquals(message, failure(money, "999.995"));
        assertEquals(message, failure(money, "1e100000000"));
        assertEquals("Expected number", failure(money, "12,5"));
        assertEquals("NaN is not supported for numeric", failure(money, "NaN"));
    }

    @Test
    void unconstrainedNumericKeepsItsDigits() {
        assertEquals(new BigDecimal("12345678901234567890.123456789"),
                Conversions.fromText(PgType.of(PgType.Kind.NUMERIC), "12345678901234567890.123456789"));
    }

    @Test
    void text() {
        assertEquals("  as is  ", convert(TEXT, "  as is  "));
        assertEquals("Value contains a NUL character", failure(TEXT, "a\0b"));
    }

    @Test
    void varcharAndCharLengths() {
        PgType varchar = PgType.withLength(PgType.Kind.VARCHAR, 3);
        assertEquals("abc", Conversions.fromText(varchar, "abc"));
        assertEquals("a😀c", Conversions.fromText(varchar, "a😀c"), "characters, not UTF-16 units");
        assertEquals("abc", Conversions.fromText(varchar, "abc   "), "excess spaces are dropped, as PostgreSQL does");
        assertEquals("Value longer than 3 characters", failure(varchar, "abcd"));
        assertEquals("Value contains a NUL character", failure(varchar, "\0"));
        PgType character = PgType.withLength(PgType.Kind.CHAR, 2);
        assertEquals("ab", Conversions.fromText(character, "ab "));
        assertEquals("Value longer than 2 characters", failure(character, "abc"));
        assertEquals("Value longer than 1 characters", failure(PgType.of(PgType.Kind.CHAR), "ab"));
    }

    @Test
    void dates() {
        assertEquals(LocalDate.of(2024, 2, 29), convert(DATE, "2024-02-29"));
        assertEquals(LocalDate.of(1, 1, 1), convert(DATE, " 0001-01-01 "));
    }

    @Test
    void times() {
        assertEquals(LocalTime.of(13, 45), convert(TIME, "13:45"));
        assertEquals(LocalTime.of(9, 5, 7), convert(TIME, "9:05:07"));
        assertEquals(LocalTime.of(23, 59, 59, 123_457_000), convert(TIME, "23:59:59.1234567"));
        assertEquals(LocalTime.of(12, 0, 1), Conversions.fromText(PgType.withSecondsPrecision(TIME, 0), "12:00:00.5"));
        assertEquals(LocalTime.of(23, 59, 59, 999_999_000), convert(TIME, "23:59:59.9999999"));
    }

    @Test
    void timestampsWithTOrSpaceAndOptionalFraction() {
        LocalDateTime expected = LocalDateTime.of(2024, 3, 30, 10, 0, 5, 120_000_000);
        assertEquals(expected, convert(TIMESTAMP, "2024-03-30T10:00:05.12"));
        assertEquals(expected, convert(TIMESTAMP, "2024-03-30 10:00:05.120"));
        assertEquals(LocalDateTime.of(2024, 3, 30, 0, 0), convert(TIMESTAMP, "2024-03-30"));
        assertEquals(LocalDateTime.of(2024, 3, 30, 10, 0), convert(TIMESTAMP, "2024-03-30 10:00"));
        assertEquals(LocalDateTime.of(2024, 3, 31, 0, 0), convert(TIMESTAMP, "2024-03-30 23:59:59.9999999"));
        assertEquals(LocalDateTime.of(2024, 3, 30, 10, 0), convert(TIMESTAMP, "2024-03-30T10:00:00+02:00"),
                "an offset is ignored for timestamp without time zone, as in PostgreSQL");
    }

    @Test
    void timestampsWithTimeZoneTakeTheOffsetOrUtc() {
        LocalDateTime local = LocalDateTime.of(2024, 3, 30, 10, 0);
        assertEquals(OffsetDateTime.of(local, ZoneOffset.UTC), convert(TIMESTAMPTZ, "2024-03-30T10:00:00Z"));
        assertEquals(OffsetDateTime.of(local, ZoneOffset.UTC), convert(TIMESTAMPTZ, "2024-03-30 10:00:00"));
        assertEquals(OffsetDateTime.of(local, ZoneOffset.ofHoursMinutes(5, 30)), convert(TIMESTAMPTZ, "2024-03-30T10:00+05:30"));
        assertEquals(OffsetDateTime.of(local, ZoneOffset.ofHours(-7)), convert(TIMESTAMPTZ, "2024-03-30 10:00:00 -07"));
        assertEquals(OffsetDateTime.of(local, ZoneOffset.ofHours(-7)), convert(TIMESTAMPTZ, "2024-03-30 10:00:00-0700"));
        assertEquals(OffsetDateTime.of(local, ZoneOffset.UTC), convert(TIMESTAMPTZ, "2024-03-30 10:00:00 UTC"));
        assertEquals(OffsetDateTime.of(local.withNano(1000), ZoneOffset.UTC), convert(TIMESTAMPTZ, "2024-03-30T10:00:00.0000005Z"));
    }

    @Test
    void typedDateTimesAreRoundedToThePrecisionLikeText() {
        PgType millis = PgType.withSecondsPrecision(TIMESTAMP, 3);
        PgType tzMillis = PgType.withSecondsPrecision(TIMESTAMPTZ, 3);
        LocalDateTime precise = LocalDateTime.of(2024, 3, 30, 23, 59, 59, 999_600_000);
        assertEquals(Conversions.fromText(millis, precise.toString()), Conversions.fromValue(millis, precise));
        assertEquals(LocalDateTime.of(2024, 3, 31, 0, 0), Conversions.fromValue(millis, precise));
        OffsetDateTime instant = OffsetDateTime.of(precise, ZoneOffset.ofHours(2));
        assertEquals(Conversions.fromText(tzMillis, instant.toString()), Conversions.fromValue(tzMillis, instant));
        OffsetDateTime exact = OffsetDateTime.of(2024, 3, 30, 10, 0, 0, 1_000, ZoneOffset.UTC);
        assertEquals(exact, Conversions.fromValue(PgType.of(TIMESTAMPTZ), exact));
        assertEquals(exact.toLocalDateTime(), Conversions.fromValue(PgType.of(TIMESTAMP), exact),
                "an instant into timestamp without time zone keeps its wall time");
        assertEquals(exact, Conversions.fromValue(PgType.of(TIMESTAMPTZ), exact.toLocalDateTime()));
        assertInstanceOf(Failure.class, Conversions.fromValue(PgType.of(TIMESTAMP), LocalDateTime.of(10_000, 1, 1, 0, 0)),
                "a year the text path refuses is refused typed too");
    }

    @Test
    void uuids() {
        java.util.UUID id = java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertEquals(id, convert(UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertEquals(id, convert(UUID, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"));
        assertEquals(id, convert(UUID, "{a0eebc999c0b4ef8bb6d6bb9bd380a11}"));
        assertEquals(id, convert(UUID, "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"));
    }

    @Test
    void jsonMustBeOneValidValue() {
        assertEquals("{\"a\": [1, 2.50, null]}", convert(JSONB, "{\"a\": [1, 2.50, null]}"));
        assertEquals("\"just a string\"", convert(JSONB, "\"just a string\""));
        assertEquals("42", convert(JSONB, "42"));
        assertEquals("Invalid JSON", failure(JSONB, "{a: 1}"));
        assertEquals("Invalid JSON", failure(JSONB, "{\"a\": 1"));
        assertEquals("Invalid JSON", failure(JSONB, "{} {}"));
        assertEquals("Invalid JSON", failure(JSONB, "1 2"));
        assertEquals("Invalid JSON", failure(JSONB, ""));
        assertEquals("JSON contains \\u0000, which jsonb cannot store", failure(JSONB, "{\"a\": \"x\\u0000\"}"));
        assertEquals("JSON contains an unpaired Unicode surrogate", failure(JSONB, "[\"\\ud800\"]"));
    }

    @Test
    void byteaInHexAndEscapeFormats() {
        assertEquals(Buffer.buffer(new byte[] {0x0a, (byte) 0xff}), convert(BYTEA, "\\x0aFF"));
        assertEquals(Buffer.buffer(new byte[] {'a', '\\', 1, 'b'}), convert(BYTEA, "a\\\\\\001b"));
        assertEquals(Buffer.buffer("plain"), convert(BYTEA, "plain"));
        assertEquals(Buffer.buffer(new byte[0]), convert(BYTEA, "\\x"));
        assertEquals("Invalid bytea (expected \\x followed by hex digits)", failure(BYTEA, "\\x0g"));
        assertEquals("Invalid bytea (expected \\x followed by hex digits)", failure(BYTEA, "\\x012"));
        assertEquals("Invalid bytea (expected \\x followed by hex digits)", failure(BYTEA, "bad \\9 escape"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 day", "3 days 04:05:06", "@ 1 year 2 mons ago", "-1 day +02:03:00", "1-2", "5", "1.5 hours",
        "P1Y2M3DT4H5M6.5S", "PT36H", "P2W", "10:00", "2 weeks 3days", "1 mon -2 days"})
    void intervals(String text) {
        assertEquals(text.trim(), convert(INTERVAL, text));
    }

    /** Texts no column of the kind accepts, and the message saying so. */
    static Stream<Arguments> invalidTexts() {
        return Stream.of(
                invalid(INTEGER, "Expected integer", "", " ", "12.0", "1e3", "abc", "1 2", "-", "+", "0x10", "١٢"),
                invalid(BOOLEAN, "Expected boolean", "", "2", "maybe", "tru", "yess"),
                invalid(DOUBLE, "Expected number", "", "1.2.3", "1e", "0x1p3", "1d", "1f", "e5", ".", "--1", "1e1234567890"),
                invalid(DATE, "Expected date (yyyy-MM-dd)", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
                        "2024-1-01", "24-01-01", "2024/01/01", "20240101", "2024-01-01T00:00", "0000-01-01", ""),
                invalid(TIME, "Expected time (HH:mm:ss)", "24:00:00", "12:60", "12:00:60", "12", "12:5", "12:00:00.",
                        "noon", "12:00:00Z"),
                invalid(TIMESTAMPTZ, "Expected timestamp (yyyy-MM-dd HH:mm:ss)", "2024-03-30X10:00", "2024-03-30T25:00",
                        "2024-03-30T10:00+16:00", "2024-03-30T10:00 PST", "2024-03-30T10:00Zulu", "30/03/2024 10:00",
                        "2024-03-30T", ""),
                invalid(UUID, "Expected UUID", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
                        "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",
                        "-a0eebc999c0b4ef8bb6d6bb9bd380a11", ""),
                invalid(INTERVAL, "Expected interval", "", "P", "PT", "P1H", "1 fortnight", "day", "1 2", "10:0", "P1D2Y", "ago"))
                .flatMap(Function.identity());
    }

    private static Stream<Arguments> invalid(PgType.Kind kind, String message, String... texts) {
        return Stream.of(texts).map(text -> Arguments.of(kind, text, message));
    }

    @ParameterizedTest(name = "{0} rejects \"{1}\"")
    @MethodSource("invalidTexts")
    void invalidTextIsRejectedWithItsMessage(PgType.Kind kind, String text, String message) {
        assertEquals(message, failure(kind, text));
    }

    /** The byte shortcut gives what the text conversion gives, wherever it answers; it answers for plain values. */
    @Test
    void plainBytesConvertAsTheirText() {
        String alphabet = "0123456789--+ 0123456789";
        java.util.Random random = new java.util.Random(7);
        int answered = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            if (n % 2 == 0) {
                text.append(String.format("%04d-%02d-%02d", random.nextInt(10_000), random.nextInt(14), random.nextInt(33)));
            } else {
                for (int k = random.nextInt(22); k > 0; k--) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            byte[] bytes = ("x" + text).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (PgType.Kind kind : new PgType.Kind[] { BIGINT, INTEGER, SMALLINT, DATE }) {
                Object plain = Conversions.fromPlainBytes(kind, bytes, 1, bytes.length - 1);
                if (plain != null) {
                    answered++;
                    assertEquals(Conversions.fromText(PgType.of(kind), text.toString()), plain, kind + " '" + text + "'");
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(answered > 100_000, "answered " + answered);
        assertEquals(Long.valueOf(-123), Conversions.fromPlainBytes(BIGINT, "-123".getBytes(), 0, 4));
        assertEquals(LocalDate.of(2024, 2, 29), Conversions.fromPlainBytes(DATE, "2024-02-29".getBytes(), 0, 10));
        assertEquals(null, Conversions.fromPlainBytes(DATE, "2023-02-29".getBytes(), 0, 10));
        assertEquals(null, Conversions.fromPlainBytes(SMALLINT, "40000".getBytes(), 0, 5));
        assertEquals(null, Conversions.fromPlainBytes(TEXT, "a".getBytes(), 0, 1));
    }
}
