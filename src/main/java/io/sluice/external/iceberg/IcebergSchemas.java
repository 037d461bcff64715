package io.sluice.external.iceberg;

import java.util.List;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import io.sluice.external.TargetColumn;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.PgType.Kind;

/**
 * Iceberg schemas as PostgreSQL columns: each primitive type to its PostgreSQL type, nested types as
 * jsonb; required fields NOT NULL.
 */
public final class IcebergSchemas {
    private IcebergSchemas() {
    }

    public static List<TargetColumn> columns(Schema schema) {
        return schema.columns().stream().map(f -> new TargetColumn(f.name(), pgType(f.type()), f.isRequired())).toList();
    }

    public static PgType pgType(Type type) {
        if (type.isNestedType()) {
            return PgType.of(Kind.JSONB);
        }
        return switch (type.typeId()) {
            case BOOLEAN -> PgType.of(Kind.BOOLEAN);
            case INTEGER -> PgType.of(Kind.INTEGER);
            case LONG -> PgType.of(Kind.BIGINT);
            case FLOAT -> PgType.of(Kind.REAL);
            case DOUBLE -> PgType.of(Kind.DOUBLE);
            case DECIMAL -> {
                Types.DecimalType d = (Types.DecimalType) type;
                yield PgType.numeric(d.precision(), d.scale());
            }
            case DATE -> PgType.of(Kind.DATE);
            case TIME -> PgType.of(Kind.TIME);
            // PostgreSQL keeps microseconds: nanosecond timestamps are rounded to them
            case TIMESTAMP, TIMESTAMP_NANO -> ((Types.TimestampType.class.isInstance(type)
                    && ((Types.TimestampType) type).shouldAdjustToUTC())
                    || (type instanceof Types.TimestampNanoType n && n.shouldAdjustToUTC()))
                    ? PgType.of(Kind.TIMESTAMPTZ) : PgType.of(Kind.TIMESTAMP);
            case STRING -> PgType.of(Kind.TEXT);
            case UUID -> PgType.of(Kind.UUID);
            case FIXED, BINARY, GEOMETRY, GEOGRAPHY -> PgType.of(Kind.BYTEA);
            case VARIANT -> PgType.of(Kind.JSONB);
            default -> PgType.of(Kind.TEXT);
        };
    }
}
