package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.sluice.format.RowBatch;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.PgType.Kind;
import io.vertx.core.buffer.Buffer;

/**
 * Every {@link PgType.Kind} through {@link CopyLoad#append} and back, on a real PostgreSQL: normal and
 * edge values and NULL. Expectations are PostgreSQL's own text output of the column ({@code v::text}, which drops
 * character(n)'s padding;
 * DateStyle ISO, TimeZone UTC), floats compared as read back, jsonb and interval against PostgreSQL's
 * cast of the same text (what the unnest path did).
 */
@QuarkusTest
class CopyLoadTypesTest {
    @Inject
    CopyConnections connections;
    private static final String SCHEMA = "copy_load_types";
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = connections.open();
        CopyDatabase.execute(c, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE; CREATE SCHEMA " + SCHEMA);
    }

    @AfterEach
    void close() throws SQLException {
        c.rollback();
        c.close();
    }

    /** Every kind in the binary format, and in the text format a table with an interval column gets. */
    static Stream<Arguments> kindsAndFormats() {
        return Arrays.stream(Kind.values()).flatMap(kind -> kind == Kind.INTERVAL ? Stream.of(Arguments.of(kind, true))
                : Stream.of(Arguments.of(kind, false), Arguments.of(kind, true)));
    }

    @ParameterizedTest(name = "{0}, text format: {1}")
    @MethodSource("kindsAndFormats")
    void roundTripsEveryKind(Kind kind, boolean textFormat) throws SQLException {
        Case test = caseOf(kind);
        Object[] values = (Object[]) java.lang.reflect.Array.newInstance(RowBatch.javaType(kind), test.values.size() + 3);
        for (int i = 0; i < test.values.size(); i++) {
            values[i] = test.values.get(i);
        }
        // stale elements past the batch size must not be copied
        values[values.length - 1] = test.values.get(0);
        int size = test.values.size();
        Long[] ids = new Long[values.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (long) i;
        }
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".t (id bigint, v " + test.type.sql() + ", iv interval)");
        boolean withInterval = textFormat && kind != Kind.INTERVAL;
        assertEquals(textFormat ? "" : " (FORMAT binary)", CopyEncoder.options(withInterval
                ? new Kind[] {Kind.BIGINT, kind, Kind.INTERVAL} : new Kind[] {Kind.BIGINT, kind}));

        long copied = withInterval
                ? CopyLoad.append(c, SCHEMA + ".t", List.of("\"id\"", "\"v\"", "\"iv\""), List.of(Kind.BIGINT, kind, Kind.INTERVAL),
                        new Object[][] {ids, values, new String[values.length]}, size)
                : CopyLoad.append(c, SCHEMA + ".t", List.of("\"id\"", "\"v\""), List.of(Kind.BIGINT, kind),
                        new Object[][] {ids, values}, size);
        c.commit();

        assertEquals(size, copied);
        assertEquals(size, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".t"));
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v, v::text FROM " + SCHEMA + ".t ORDER BY id")) {
            for (int i = 0; i < size; i++) {
                assertTrue(rs.next());
                Object expected = test.expected.get(i);
                String where = kind + " value " + i + " (" + describe(test.values.get(i)) + ")";
                if (expected == null) {
                    assertNull(rs.getString(2), where);
                } else if (expected instanceof Float f) {
                    assertEquals(0, Float.compare(f, rs.getFloat(1)), where + ": " + rs.getFloat(1));
                } else if (expected instanceof Double d) {
                    assertEquals(0, Double.compare(d, rs.getDouble(1)), where + ": " + rs.getDouble(1));
                } else if (expected instanceof byte[] bytes) {
                    assertArrayEquals(bytes, rs.getBytes(1), where);
                } else if (expected instanceof Cast cast) {
                    assertEquals(castByPostgres(cast.text, test.type), rs.getString(2), where);
                } else {
                    assertEquals(expected, rs.getString(2), where);
                }
            }
        }
    }

    @Test
    void byteaAlsoFromByteArrays() throws SQLException {
        byte[] all = allBytes();
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".b (v bytea)");

        CopyLoad.append(c, SCHEMA + ".b", List.of("\"v\""), List.of(Kind.BYTEA), new Object[][] {{all, new byte[0], null}}, 3);

        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM " + SCHEMA + ".b")) {
            rs.next();
            assertArrayEquals(all, rs.getBytes(1));
            rs.next();
            assertArrayEquals(new byte[0], rs.getBytes(1));
            rs.next();
            assertNull(rs.getBytes(1));
        }
    }

    @ParameterizedTest(name = "text format: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
    void aNulCharacterRefusesTheBatchAsPostgresqlWouldAndLeavesTheConnectionUsable(boolean textFormat) throws SQLException {
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".n (v text, iv interval)");
        List<String> names = textFormat ? List.of("\"v\"", "\"iv\"") : List.of("\"v\"");
        List<Kind> kinds = textFormat ? List.of(Kind.TEXT, Kind.INTERVAL) : List.of(Kind.TEXT);
        String huge = "x".repeat(10_000) + "\0";
        for (String[] texts : List.of(new String[] {"fine", "a\0b"}, new String[] {"fine", huge})) {
            Object[][] columns = textFormat ? new Object[][] {texts, new String[2]} : new Object[][] {texts};
            SQLException refused = assertThrows(SQLException.class, () -> CopyLoad.append(c, SCHEMA + ".n", names, kinds, columns, 2));
            c.rollback();
            assertEquals("22021", refused.getSQLState());
        }

        assertEquals(0, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".n"));
        Object[][] ok = textFormat ? new Object[][] {{"ok"}, new String[1]} : new Object[][] {{"ok"}};
        assertEquals(1, CopyLoad.append(c, SCHEMA + ".n", names, kinds, ok, 1));
    }

    @Test
    void loneSurrogatesBecomeQuestionMarksAsJavasEncoderWritesThem() throws SQLException {
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".s (v text)");
        String lone = "a\uD800b\uDC00c\uD83D";

        CopyLoad.append(c, SCHEMA + ".s", List.of("\"v\""), List.of(Kind.TEXT), new Object[][] {{lone}}, 1);

        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM " + SCHEMA + ".s")) {
            rs.next();
            assertEquals(new String(lone.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.UTF_8), rs.getString(1));
            assertEquals("a?b?c?", rs.getString(1));
        }
    }

    @Test
    void manyRowsAndHugeValuesCrossChunkBoundaries() throws SQLException {
        int size = 50_000;
        Long[] ids = new Long[size];
        String[] texts = new String[size];
        String huge = "é\t😀\\".repeat(100_000);
        for (int i = 0; i < size; i++) {
            ids[i] = (long) i;
            texts[i] = i % 10_000 == 7 ? huge : "row " + i + " ünïcödé 😀\n";
        }
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".m (id bigint, v text)");

        CopyLoad.append(c, SCHEMA + ".m", List.of("\"id\"", "\"v\""), List.of(Kind.BIGINT, Kind.TEXT), new Object[][] {ids, texts},
                size);

        assertEquals(size, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".m"));
        assertEquals(5, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".m WHERE v = '" + huge.replace("'", "''") + "'"));
        assertEquals(size - 5, CopyDatabase.count(c,
                "SELECT count(*) FROM " + SCHEMA + ".m WHERE v = 'row ' || id || ' ünïcödé 😀' || chr(10)"));
    }

    @ParameterizedTest(name = "text format: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
    void datesAndTimestampsBeyondPostgresqlsRangeAreRefusedAsPostgresqlRefusesThem(boolean textFormat) throws SQLException {
        CopyDatabase.execute(c, "CREATE TABLE " + SCHEMA + ".r (d date, t timestamp, iv interval)");
        List<String> names = textFormat ? List.of("\"d\"", "\"t\"", "\"iv\"") : List.of("\"d\"", "\"t\"");
        List<Kind> kinds = textFormat ? List.of(Kind.DATE, Kind.TIMESTAMP, Kind.INTERVAL) : List.of(Kind.DATE, Kind.TIMESTAMP);
        Object[][] farDate = { new LocalDate[] {LocalDate.of(6_000_000, 1, 1)}, new LocalDateTime[1], new String[1] };
        Object[][] farTimestamp = { new LocalDate[1], new LocalDateTime[] {LocalDateTime.of(300_000, 1, 1, 0, 0)}, new String[1] };
        Object[][] overflowing = { new LocalDate[1], new LocalDateTime[] {LocalDateTime.MAX}, new String[1] };

        for (Object[][] columns : List.of(farDate, farTimestamp, overflowing)) {
            Object[][] used = textFormat ? columns : new Object[][] {columns[0], columns[1]};
            SQLException refused = assertThrows(SQLException.class, () -> CopyLoad.append(c, SCHEMA + ".r", names, kinds, used, 1));
            c.rollback();
            assertEquals("22008", refused.getSQLState(), refused.getMessage());
        }
        assertEquals(0, CopyDatabase.count(c, "SELECT count(*) FROM " + SCHEMA + ".r"));
    }

    @Test
    void aColumnOfTheWrongJavaTypeIsRefusedBeforeAnythingIsSent() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> CopyLoad.append(c,
                SCHEMA + ".x", List.of("\"v\""), List.of(Kind.BIGINT), new Object[][] {new String[] {"1"}}, 1));
        assertTrue(refused.getMessage().contains("String"), refused.getMessage());
    }

    private String castByPostgres(String text, PgType type) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT ?::" + type.sql() + "::text")) {
            p.setString(1, text);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Values of a kind and what PostgreSQL should hold for each. */
    private record Case(PgType type, List<Object> values, List<Object> expected) {
    }

    /** Expect PostgreSQL's own cast of this text. */
    private record Cast(String text) {
    }

    private static final class Builder {
        final PgType type;
        final List<Object> values = new ArrayList<>();
        final List<Object> expected = new ArrayList<>();

        Builder(PgType type) {
            this.type = type;
        }

        Builder add(Object value, Object expected) {
            values.add(value);
            this.expected.add(expected);
            return this;
        }

        Case withNull() {
            add(null, null);
            return new Case(type, values, expected);
        }
    }

    private static Case caseOf(Kind kind) {
        return switch (kind) {
            case BIGINT -> new Builder(PgType.of(kind)).add(0L, "0").add(-1L, "-1").add(Long.MAX_VALUE, "9223372036854775807")
                    .add(Long.MIN_VALUE, "-9223372036854775808").add(1234567890123L, "1234567890123").withNull();
            case INTEGER -> new Builder(PgType.of(kind)).add(Integer.MAX_VALUE, "2147483647").add(Integer.MIN_VALUE, "-2147483648")
                    .add(0, "0").add(10, "10").withNull();
            case SMALLINT -> new Builder(PgType.of(kind)).add(Short.MAX_VALUE, "32767").add(Short.MIN_VALUE, "-32768")
                    .add((short) 9, "9").withNull();
            case BOOLEAN -> new Builder(PgType.of(kind)).add(true, "true").add(false, "false").withNull();
            case REAL -> floats(new Builder(PgType.of(kind)), 0f, -0f, 1.5f, 0.1f, -3.25e-7f, Float.MAX_VALUE, -Float.MAX_VALUE,
                    Float.MIN_NORMAL, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY).withNull();
            case DOUBLE -> doubles(new Builder(PgType.of(kind)), 0d, -0d, 0.1, 1.0 / 3, 1e300, -1e-300, Double.MAX_VALUE,
                    Double.MIN_NORMAL, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).withNull();
            case NUMERIC -> new Builder(PgType.of(kind)).add(new BigDecimal("123.4500"), "123.4500")
                    .add(new BigDecimal("-0.000000001"), "-0.000000001").add(BigDecimal.ZERO, "0")
                    // unscaled values that fit a long, with scales 0 to 16 (the encoder's arithmetic path)
                    .add(new BigDecimal("0.01"), "0.01").add(new BigDecimal("-12.34"), "-12.34").add(new BigDecimal("10000"), "10000")
                    .add(new BigDecimal("99999999.99"), "99999999.99").add(new BigDecimal("1.0000"), "1.0000")
                    .add(new BigDecimal("0.00"), "0.00").add(new BigDecimal("1.5E+3"), "1500")
                    .add(new BigDecimal("123456789012345678"), "123456789012345678")
                    .add(new BigDecimal("-0.0000000000000001"), "-0.0000000000000001")
                    .add(new BigDecimal("10000.00010000"), "10000.00010000").add(new BigDecimal("12.34567"), "12.34567")
                    .add(new BigDecimal("99.9999999999999999"), "99.9999999999999999")
                    .add(new BigDecimal("0.12345678901234567"), "0.12345678901234567")
                    .add(new BigDecimal("1E+1000"), "1" + "0".repeat(1000))
                    .add(new BigDecimal("12345678901234567890123456789.123456789"), "12345678901234567890123456789.123456789")
                    .add(new BigDecimal("-" + "9".repeat(500) + "." + "1".repeat(300)), "-" + "9".repeat(500) + "." + "1".repeat(300))
                    .withNull();
            case TEXT -> texts(new Builder(PgType.of(kind)));
            case VARCHAR -> new Builder(PgType.withLength(kind, 10)).add("", "").add("a\\b\tc", "a\\b\tc").add("ключ😀", "ключ😀")
                    .withNull();
            case CHAR -> new Builder(PgType.withLength(kind, 3)).add("ab", "ab").add("\\\n\r", "\\\n\r").add("", "").withNull();
            case DATE -> new Builder(PgType.of(kind)).add(LocalDate.of(1970, 1, 1), "1970-01-01")
                    .add(LocalDate.of(1900, 2, 28), "1900-02-28").add(LocalDate.of(2024, 2, 29), "2024-02-29")
                    .add(LocalDate.of(1, 1, 1), "0001-01-01").add(LocalDate.of(9999, 12, 31), "9999-12-31")
                    .add(LocalDate.of(0, 12, 31), "0001-12-31 BC").add(LocalDate.of(-43, 3, 15), "0044-03-15 BC")
                    .add(LocalDate.of(12345, 6, 7), "12345-06-07").withNull();
            case TIME -> new Builder(PgType.of(kind)).add(LocalTime.MIDNIGHT, "00:00:00").add(LocalTime.of(23, 59, 59, 999_999_000),
                    "23:59:59.999999").add(LocalTime.of(12, 34, 56, 1000), "12:34:56.000001").add(LocalTime.of(13, 0, 0, 500_000_000),
                            "13:00:00.5").withNull();
            case TIMESTAMP -> new Builder(PgType.of(kind)).add(LocalDateTime.of(1970, 1, 1, 0, 0), "1970-01-01 00:00:00")
                    .add(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), "1969-12-31 23:59:59.999999")
                    .add(LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1000), "1900-01-01 00:00:00.000001")
                    .add(LocalDateTime.of(1, 1, 1, 0, 0), "0001-01-01 00:00:00")
                    .add(LocalDateTime.of(-43, 3, 15, 12, 0), "0044-03-15 12:00:00 BC")
                    .add(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), "9999-12-31 23:59:59.999999")
                    .add(LocalDateTime.of(200_000, 1, 1, 0, 0), "200000-01-01 00:00:00").withNull();
            case TIMESTAMPTZ -> new Builder(PgType.of(kind))
                    .add(OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)), "2024-03-09 21:00:00+00")
                    .add(OffsetDateTime.of(1960, 6, 1, 12, 0, 0, 123_456_000, ZoneOffset.ofHours(-8)), "1960-06-01 20:00:00.123456+00")
                    .add(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "1970-01-01 00:00:00+00")
                    .add(OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(1, 2, 3)), "1999-12-31 22:57:57+00")
                    .add(OffsetDateTime.of(1, 1, 1, 0, 30, 0, 0, ZoneOffset.ofHours(1)), "0001-12-31 23:30:00+00 BC")
                    .add(OffsetDateTime.of(9999, 12, 31, 23, 0, 0, 0, ZoneOffset.ofHours(-12)), "10000-01-01 11:00:00+00")
                    .add(OffsetDateTime.of(200_000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "200000-01-01 00:00:00+00").withNull();
            case UUID -> new Builder(PgType.of(kind)).add(new UUID(0, 0), "00000000-0000-0000-0000-000000000000")
                    .add(new UUID(-1, -1), "ffffffff-ffff-ffff-ffff-ffffffffffff")
                    .add(UUID.fromString("0123abcd-4567-89ef-0a1b-2c3d4e5f6789"), "0123abcd-4567-89ef-0a1b-2c3d4e5f6789").withNull();
            case JSONB -> casts(new Builder(PgType.of(kind)), "{\"a\": \"b\\\"c\\n\\t\\\\ \\u00e9 😀\", \"n\": [1, 2.50, null, true]}",
                    "[]", "null", "\"text with \\\\ backslash\"", "1e400", "{\"tab\": \"\\t\", \"cr\": \"\\r\"}").withNull();
            case INTERVAL -> casts(new Builder(PgType.of(kind)), "1 day", "-1 year 2 mons", "P1Y2M3DT4H5M6S", "00:00:01.5",
                    "1 day ago", "178000000 years").withNull();
            case BYTEA -> new Builder(PgType.of(kind)).add(Buffer.buffer(allBytes()), allBytes()).add(Buffer.buffer(), new byte[0])
                    .add(Buffer.buffer(new byte[] {'\\', '\t', '\n', 0}), new byte[] {'\\', '\t', '\n', 0}).withNull();
        };
    }

    private static Case texts(Builder b) {
        for (String s : List.of("", "plain", "back\\slash", "tab\there", "new\nline", "cr\rhere", "\r\n", "\\N", "\\.", "\\",
                "é ü ß", "日本語", "emoji 😀 and 𝄞", "\u0001\u001f\u007f", "a\\tb", "'quoted' \"double\"", "x".repeat(10_000))) {
            b.add(s, s);
        }
        return b.withNull();
    }

    private static Builder floats(Builder b, float... values) {
        for (float f : values) {
            b.add(f, f);
        }
        return b;
    }

    private static Builder doubles(Builder b, double... values) {
        for (double d : values) {
            b.add(d, d);
        }
        return b;
    }

    private static Builder casts(Builder b, String... texts) {
        for (String t : texts) {
            b.add(t, new Cast(t));
        }
        return b;
    }

    private static byte[] allBytes() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    private static String describe(Object value) {
        String text = value instanceof Buffer b ? Arrays.toString(b.getBytes()) : String.valueOf(value);
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
