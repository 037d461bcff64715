package io.sluice.pipeline.program;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A PostgreSQL column type Sluice can load into. {@code precision} is set for NUMERIC(p,s) and
 * for TIME/TIMESTAMP/TIMESTAMPTZ with fractional-second precision, {@code scale} only with a
 * NUMERIC precision, {@code length} for VARCHAR and CHAR; each is null where it does not apply.
 */
public record PgType(Kind kind, Integer precision, Integer scale, Integer length) {

    public enum Kind {
        BIGINT, INTEGER, SMALLINT, BOOLEAN, REAL, DOUBLE, NUMERIC, TEXT, VARCHAR, CHAR,
        DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID, JSONB, BYTEA, INTERVAL
    }

    static final Set<Kind> WITH_SECONDS_PRECISION = EnumSet.of(Kind.TIME, Kind.TIMESTAMP, Kind.TIMESTAMPTZ);
    static final Set<Kind> WITH_LENGTH = EnumSet.of(Kind.VARCHAR, Kind.CHAR);

    public PgType {
        Objects.requireNonNull(kind, "kind");
        if (!fits(kind, precision, scale, length)) {
            throw new IllegalArgumentException("no such PostgreSQL type: " + kind + " precision=" + precision
                    + " scale=" + scale + " length=" + length);
        }
    }

    private static boolean fits(Kind kind, Integer precision, Integer scale, Integer length) {
        if (length != null && !WITH_LENGTH.contains(kind)) {
            return false;
        }
        if (kind == Kind.NUMERIC) {
            return (precision == null) == (scale == null);
        }
        return scale == null && (precision == null || WITH_SECONDS_PRECISION.contains(kind));
    }

    public static PgType of(Kind kind) {
        return new PgType(kind, null, null, null);
    }

    public static PgType numeric(int precision, int scale) {
        return new PgType(Kind.NUMERIC, precision, scale, null);
    }

    public static PgType withLength(Kind kind, int length) {
        return new PgType(kind, null, null, length);
    }

    public static PgType withSecondsPrecision(Kind kind, int precision) {
        return new PgType(kind, precision, null, null);
    }

    /** The type exactly as PostgreSQL's {@code format_type} prints it, also valid in DDL. */
    public String sql() {
        return switch (kind) {
            case BIGINT -> "bigint";
            case INTEGER -> "integer";
            case SMALLINT -> "smallint";
            case BOOLEAN -> "boolean";
            case REAL -> "real";
            case DOUBLE -> "double precision";
            case NUMERIC -> precision == null ? "numeric" : "numeric(" + precision + "," + scale + ")";
            case TEXT -> "text";
            case VARCHAR -> "character varying" + modifier(length);
            case CHAR -> "character" + modifier(length);
            case DATE -> "date";
            case TIME -> "time" + modifier(precision) + " without time zone";
            case TIMESTAMP -> "timestamp" + modifier(precision) + " without time zone";
            case TIMESTAMPTZ -> "timestamp" + modifier(precision) + " with time zone";
            case UUID -> "uuid";
            case JSONB -> "jsonb";
            case BYTEA -> "bytea";
            case INTERVAL -> "interval";
        };
    }

    private static String modifier(Integer value) {
        return value == null ? "" : "(" + value + ")";
    }

    @Override
    public String toString() {
        return sql();
    }
}
