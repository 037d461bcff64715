package io.sluice.pipeline.status;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Program compilation status. Saving a program sets {@code Pending}; the compiler then walks
 * {@code Pending -> CompilingSql -> SqlCompiled -> Success}, or stops at {@code SqlError}
 * ({@code SystemError} when compilation itself broke). Any status returns to Pending on an edit.
 */
public enum ProgramStatus {
    Pending, CompilingSql, SqlCompiled, CompilingRust, Success, SqlError, RustError, SystemError;

    private static final Map<ProgramStatus, Set<ProgramStatus>> NEXT = Map.of(
            Pending, EnumSet.of(CompilingSql),
            CompilingSql, EnumSet.of(SqlCompiled, SqlError, SystemError),
            SqlCompiled, EnumSet.of(Success, SystemError));

    public boolean canBecome(ProgramStatus next) {
        return next == Pending || NEXT.getOrDefault(this, Set.of()).contains(next);
    }

    public boolean isFailure() {
        return this == SqlError || this == RustError || this == SystemError;
    }

    public boolean isInProgress() {
        return this == Pending || this == CompilingSql || this == SqlCompiled || this == CompilingRust;
    }
}
