package io.sluice.pipeline.program;

import java.util.Objects;

/** The outcome of compiling a pipeline's {@code program_code}. */
public sealed interface Compilation permits Compilation.Success, Compilation.Failure {

    record Success(TableSpec table) implements Compilation {
        public Success {
            Objects.requireNonNull(table, "table");
        }
    }

    record Failure(SqlError error) implements Compilation {
        public Failure {
            Objects.requireNonNull(error, "error");
        }
    }
}
