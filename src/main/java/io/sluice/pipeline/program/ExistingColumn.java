package io.sluice.pipeline.program;

import java.util.Objects;

/**
 * A column of a table that already exists in PostgreSQL, as read from the catalog:
 * {@code attname}, {@code format_type(atttypid, atttypmod)} and {@code attnotnull}.
 */
public record ExistingColumn(String name, String formattedType, boolean notNull) {
    public ExistingColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(formattedType, "formattedType");
    }
}
