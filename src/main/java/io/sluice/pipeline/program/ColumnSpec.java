package io.sluice.pipeline.program;

import java.util.Objects;

/** One column of the target table, its name already folded and validated. */
public record ColumnSpec(String name, PgType type, boolean notNull) {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    String declaration() {
        return type.sql() + (notNull ? " NOT NULL" : "");
    }
}
