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

    /** A converter handing each value of a field of {@code type} to {@code sink}. */
    static PrimitiveConverter converter(PrimitiveType type, Consumer<Object> sink) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return switch (type.getPrimitiveTypeName()) {
            case INT32 -> new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    sink.accept(int32(value, logical));
                }
            };
            case INT64 -> new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    sink.accept(int64(value, logical));
                }
            };
            case INT96 -> new PrimitiveConverter() {
                @Override
                public void addBinary(Binary value) {
                    sink.accept(int96(value));
                }
            };
            case BOOLEAN -> new PrimitiveConverter() {
                @Override
                public void addBoolean(boolean value) {
                    sink.accept(value);
                }
            };
            case FLOAT -> new PrimitiveConverter() {
                @Override
                public void addFloat(float value) {
                    sink.accept(value);
                }
            };
            case DOUBLE -> new PrimitiveConverter() {
                @Override
                public void addDouble(double value) {
                    sink.accept(value);
                }
            };
            case BINARY, FIXED_LEN_BYTE_ARRAY -> new PrimitiveConverter() {
                @Override
                public void addBinary(Binary value) {
                    sink.accept(binary(value, logical));
                }
            };
        };
    }

    private static Object int32(int value, LogicalTypeAnnotation logical) {
        if (logical instanceof DateLogicalTypeAnnotation) {
            return LocalDate.ofEpochDay(value);
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            return BigDecimal.valueOf(value, decimal.getScale());
        }
        if (logical instanceof TimeLogicalTypeAnnotation) {
            return LocalTime.ofNanoOfDay(value * 1_000_000L);
        }
        if (logical instanceof IntLogicalTypeAnnotation integer && !integer.isSigned() && integer.getBitWidth() == 32) {
            return Integer.toUnsignedLong(value);
        }
        return value;
    }

    private static Object int64(long value, LogicalTypeAnnotation logical) {
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            return BigDecimal.valueOf(value, decimal.getScale());
        }
        if (logical instanceof TimestampLogicalTypeAnnotation timestamp) {
            LocalDateTime utc = utc(value, timestamp.getUnit());
            return timestamp.isAdjustedToUTC() ? OffsetDateTime.of(utc, ZoneOffset.UTC) : utc;
        }
        if (logical instanceof TimeLogicalTypeAnnotation time) {
            return LocalTime.ofNanoOfDay(time.getUnit() == TimeUnit.MICROS ? value * 1_000L : value);
        }
        if (logical instanceof IntLogicalTypeAnnotation integer && !integer.isSigned()) {
            return value >= 0 ? (Object) value : new BigDecimal(Long.toUnsignedString(value));
        }
        return value;
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

    private static Object binary(Binary value, LogicalTypeAnnotation logical) {
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return value.toStringUsingUTF8();
        }
        if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
            return new BigDecimal(new BigInteger(value.getBytes()), decimal.getScale());
        }
        if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
            ByteBuffer bytes = value.toByteBuffer();
            return new UUID(bytes.getLong(), bytes.getLong());
        }
        return value.copy().getBytes(); // copy(): the reader may reuse the bytes behind a Binary
    }
}
