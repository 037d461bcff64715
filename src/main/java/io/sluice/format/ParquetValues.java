package io.sluice.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A Parquet primitive field's values as Java values, by physical and logical type: INT32/INT64
 * (signed, unsigned), DECIMAL (INT32, INT64, BINARY, FIXED), DATE, TIME and TIMESTAMP (millis, micros,
 * nanos; an instant at UTC when {@code isAdjustedToUTC}, a local date-time otherwise), legacy INT96
 * timestamps (instants), STRING/ENUM/JSON, UUID, BOOLEAN, FLOAT, DOUBLE; other binaries as bytes.
 */
final class ParquetValues {
    private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private ParquetValues() {
    }

    /**
     * One field's raw values as Java values: the method of the field's physical type is the one that
     * applies (INT32 {@link #ofInt}, INT64 {@link #ofLong}, BINARY, FIXED_LEN_BYTE_ARRAY and INT96
     * {@link #ofBinary}, the others by their name). The logical type is resolved once, not per value.
     */
    static final class Decoder {
        private final IntFunction<Object> ints;
        private final LongFunction<Object> longs;
        private final Function<Binary, Object> binaries;

        private Decoder(PrimitiveType type) {
            LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
            this.ints = int32(logical);
            this.longs = int64(logical);
            this.binaries = type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96 ? ParquetValues::int96 : binary(logical);
        }

        Object ofInt(int value) {
            return ints.apply(value);
        }

        Object ofLong(long value) {
            return longs.apply(value);
        }

        /** The bytes behind {@code value} may be reused by the reader: nothing returned keeps them. */
        Object ofBinary(Binary value) {
            return binaries.apply(value);
        }

        Object ofBoolean(boolean value) {
            return value;
        }

        Object ofFloat(float value) {
            return value;
        }

        Object ofDouble(double value) {
            return value;
        }
    }

    static Decoder decoder(PrimitiveType type) {
        return new Decoder(type);
    }

    /** A converter handing each value of a field of {@code type} to {@code sink}: for records assembled by parquet-mr. */
    static PrimitiveConverter converter(PrimitiveType type, Consumer<Object> sink) {
        Decoder decode = decoder(type);
        return new PrimitiveConverter() {
            @Override
            public void addInt(int value) {
                sink.accept(decode.ofInt(value));
            }

            @Override
            public void addLong(long value) {
                sink.accept(decode.ofLong(value));
            }

            @Override
            public void addBinary(Binary value) {
                sink.accept(decode.ofBinary(value));
            }

            @Override
            public void addBoolean(boolean value) {
                sink.accept(decode.ofBoolean(value));
            }

            @Override
            public void addFloat(float value) {
                sink.accept(decode.ofFloat(value));
            }

            @Override
            public void addDouble(double value) {
                sink.accept(decode.ofDouble(value));
            }
        };
    }

    private static IntFunction<Object> int32(LogicalTypeAnnotation logical) {
        if (logical instanceof DateLogicalTypeAnnotation) {
            return LocalDate::ofEpochDay;
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return value -> BigDecimal.valueOf(value, scale);
        }
        if (logical instanceof TimeLogicalTypeAnnotation) {
            return value -> LocalTime.ofNanoOfDay(value * 1_000_000L);
        }
        if (logical instanceof IntLogicalTypeAnnotation integer && !integer.isSigned() && integer.getBitWidth() == 32) {
            return Integer::toUnsignedLong;
        }
        return Integer::valueOf;
    }

    private static LongFunction<Object> int64(LogicalTypeAnnotation logical) {
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return value -> BigDecimal.valueOf(value, scale);
        }
        if (logical instanceof TimestampLogicalTypeAnnotation timestamp) {
            TimeUnit unit = timestamp.getUnit();
            return timestamp.isAdjustedToUTC() ? value -> OffsetDateTime.of(utc(value, unit), ZoneOffset.UTC) : value -> utc(value, unit);
        }
        if (logical instanceof TimeLogicalTypeAnnotation time) {
            long nanosPerUnit = time.getUnit() == TimeUnit.MICROS ? 1_000L : 1L;
            return value -> LocalTime.ofNanoOfDay(value * nanosPerUnit);
        }
        if (logical instanceof IntLogicalTypeAnnotation integer && !integer.isSigned()) {
            return value -> value >= 0 ? (Object) value : new BigDecimal(Long.toUnsignedString(value));
        }
        return Long::valueOf;
    }

    /** The date-time at UTC of a count since the epoch (straight from the offset: no zone rules to look up per value). */
    private static LocalDateTime utc(long value, TimeUnit unit) {
        long perSecond = switch (unit) {
            case MILLIS -> 1_000L;
            case MICROS -> 1_000_000L;
            case NANOS -> 1_000_000_000L;
        };
        return LocalDateTime.ofEpochSecond(Math.floorDiv(value, perSecond),
                (int) (Math.floorMod(value, perSecond) * (1_000_000_000L / perSecond)), ZoneOffset.UTC);
    }

    /** Impala/Spark INT96: nanoseconds of the day, then the Julian day, little-endian; an instant at UTC. */
    private static Object int96(Binary value) {
        ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = bytes.getLong();
        long julianDay = Integer.toUnsignedLong(bytes.getInt());
        long epochDay = julianDay - JULIAN_DAY_OF_EPOCH;
        return OffsetDateTime.of(LocalDate.ofEpochDay(epochDay).atStartOfDay(), ZoneOffset.UTC)
                .plusNanos(Math.floorMod(nanosOfDay, NANOS_PER_DAY));
    }

    private static Function<Binary, Object> binary(LogicalTypeAnnotation logical) {
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return Binary::toStringUsingUTF8;
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return value -> new BigDecimal(new BigInteger(value.getBytes()), scale);
        }
        if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
            return value -> {
                ByteBuffer bytes = value.toByteBuffer();
                return new UUID(bytes.getLong(), bytes.getLong());
            };
        }
        return value -> value.copy().getBytes(); // copy(): the reader may reuse the bytes behind a Binary
    }
}
