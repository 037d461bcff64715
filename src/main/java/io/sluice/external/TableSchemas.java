package io.sluice.external;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import io.sluice.api.SluiceException;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.PgType.Kind;

/** Target table columns from a Parquet file's schema (raw S3 tables) or from a posted Pinot schema. */
final class TableSchemas {
    private TableSchemas() {
    }

    /** The top-level fields of the Parquet file's schema; nested and repeated fields as jsonb. */
    static List<TargetColumn> fromParquet(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build())) {
            List<TargetColumn> columns = new ArrayList<>();
            for (Type field : reader.getFooter().getFileMetaData().getSchema().getFields()) {
                columns.add(new TargetColumn(field.getName(), field.isPrimitive() && !field.isRepetition(Type.Repetition.REPEATED)
                        ? parquetType(field.asPrimitiveType()) : PgType.of(Kind.JSONB)));
            }
            return columns;
        }
    }

    static PgType parquetType(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof DecimalLogicalTypeAnnotation d) {
            return PgType.numeric(d.getPrecision(), d.getScale());
        }
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> PgType.of(Kind.BOOLEAN);
            case INT32 -> logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation ? PgType.of(Kind.DATE)
                    : logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation ? PgType.of(Kind.TIME)
                    : logical instanceof IntLogicalTypeAnnotation i && i.getBitWidth() < 32 && i.isSigned() ? PgType.of(Kind.SMALLINT)
                    : logical instanceof IntLogicalTypeAnnotation i && !i.isSigned() ? PgType.of(Kind.BIGINT)
                    : PgType.of(Kind.INTEGER);
            case INT64 -> logical instanceof TimestampLogicalTypeAnnotation t
                    ? PgType.of(t.isAdjustedToUTC() ? Kind.TIMESTAMPTZ : Kind.TIMESTAMP)
                    : logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation ? PgType.of(Kind.TIME)
                    : logical instanceof IntLogicalTypeAnnotation i && !i.isSigned() ? PgType.numeric(20, 0)
                    : PgType.of(Kind.BIGINT);
            case INT96 -> PgType.of(Kind.TIMESTAMP);
            case FLOAT -> PgType.of(Kind.REAL);
            case DOUBLE -> PgType.of(Kind.DOUBLE);
            case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation ? PgType.of(Kind.TEXT)
                    : logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation ? PgType.of(Kind.JSONB)
                    : PgType.of(Kind.BYTEA);
            case FIXED_LEN_BYTE_ARRAY -> logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
                    ? PgType.of(Kind.UUID) : PgType.of(Kind.BYTEA);
        };
    }

    /**
     * A Pinot schema's field specs ({@code dimensionFieldSpecs}, {@code metricFieldSpecs},
     * {@code dateTimeFieldSpecs}, {@code timeFieldSpec}): each {@code name} with its {@code dataType};
     * multi-value fields as jsonb.
     */
    static List<TargetColumn> fromPinot(TableConfigRequest.PinotSchema schema) {
        List<TargetColumn> columns = new ArrayList<>();
        addAll(columns, "dimensionFieldSpecs", schema.dimensionFieldSpecs());
        addAll(columns, "metricFieldSpecs", schema.metricFieldSpecs());
        addAll(columns, "dateTimeFieldSpecs", schema.dateTimeFieldSpecs());
        if (schema.timeFieldSpec() != null && schema.timeFieldSpec().incomingGranularitySpec() != null) {
            columns.add(pinotColumn("timeFieldSpec", schema.timeFieldSpec().incomingGranularitySpec()));
        }
        if (columns.isEmpty()) {
            throw SluiceException.invalidField("schema", "The schema has no field specs (dimensionFieldSpecs,"
                    + " metricFieldSpecs, dateTimeFieldSpecs); send null to derive it from the source");
        }
        return columns;
    }

    private static void addAll(List<TargetColumn> columns, String group, List<TableConfigRequest.FieldSpec> specs) {
        if (specs != null) {
            specs.forEach(spec -> columns.add(pinotColumn(group, spec)));
        }
    }

    private static TargetColumn pinotColumn(String group, TableConfigRequest.FieldSpec spec) {
        String name = spec.name();
        String dataType = spec.dataType().toUpperCase(Locale.ROOT);
        if (Boolean.FALSE.equals(spec.singleValueField())) {
            return new TargetColumn(name, PgType.of(Kind.JSONB));
        }
        PgType type = switch (dataType) {
            case "INT" -> PgType.of(Kind.INTEGER);
            case "LONG" -> PgType.of(Kind.BIGINT);
            case "FLOAT" -> PgType.of(Kind.REAL);
            case "DOUBLE" -> PgType.of(Kind.DOUBLE);
            case "BIG_DECIMAL" -> new PgType(Kind.NUMERIC, null, null, null);
            case "BOOLEAN" -> PgType.of(Kind.BOOLEAN);
            case "TIMESTAMP" -> PgType.of(Kind.TIMESTAMPTZ);
            case "STRING" -> PgType.of(Kind.TEXT);
            case "JSON" -> PgType.of(Kind.JSONB);
            case "BYTES" -> PgType.of(Kind.BYTEA);
            default -> throw SluiceException.badRequest("InvalidField", "Field '" + name + "' has dataType '" + dataType
                    + "'; use INT, LONG, FLOAT, DOUBLE, BIG_DECIMAL, BOOLEAN, TIMESTAMP, STRING, JSON or BYTES",
                    Map.of("field", "schema." + group));
        };
        return new TargetColumn(name, type);
    }
}
