package io.sluice.pipeline;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.SqlError;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.ValidationRule;

/**
 * Part of compiling a pipeline: its validation rules must name columns of its table, with fitting
 * types, and an upsert needs a primary key.
 */
final class ValidationCheck {
    private static final Set<PgType.Kind> NUMERIC = EnumSet.of(PgType.Kind.BIGINT, PgType.Kind.INTEGER,
            PgType.Kind.SMALLINT, PgType.Kind.REAL, PgType.Kind.DOUBLE, PgType.Kind.NUMERIC);

    private ValidationCheck() {
    }

    static Optional<SqlError> problem(TableSpec table, Map<String, List<ValidationRule>> validation, String loadStrategy) {
        if ("upsert".equals(loadStrategy) && table.primaryKey().isEmpty()) {
            return Optional.of(error("load_strategy upsert needs a PRIMARY KEY in table '" + table.name() + "'"));
        }
        if (validation == null) {
            return Optional.empty();
        }
        for (var entry : validation.entrySet()) {
            ColumnSpec column = table.columns().stream().filter(c -> c.name().equals(entry.getKey())).findFirst()
                    .orElse(null);
            if (column == null) {
                return Optional.of(error("validation refers to column '" + entry.getKey() + "', which table '"
                        + table.name() + "' does not have"));
            }
            for (ValidationRule rule : entry.getValue()) {
                if (rule.rule() == ValidationRule.Kind.RANGE && !NUMERIC.contains(column.type().kind())) {
                    return Optional.of(error("validation: a range rule needs a numeric column, and '"
                            + column.name() + "' is " + column.type().sql()));
                }
            }
        }
        return Optional.empty();
    }

    private static SqlError error(String message) {
        return new SqlError(message, 1, 1, 1, 1, "");
    }
}
