package io.sluice.pipeline.program;

/**
 * Thrown inside the compiler to abandon a program at its first error; {@link ProgramCompiler}
 * turns it into a {@link Compilation.Failure}, so it never reaches callers.
 */
final class CompileError extends RuntimeException {

    private final transient SourceSpan span;
    private final String errorType;

    CompileError(String message, SourceSpan span) {
        this(message, span, SqlError.COMPILATION_ERROR);
    }

    CompileError(String message, SourceSpan span, String errorType) {
        // No stack trace: this is an expected outcome for user input, not a bug.
        super(message, null, false, false);
        this.span = span;
        this.errorType = errorType;
    }

    SqlError toSqlError(SourceText text) {
        return text.error(getMessage(), span, errorType);
    }
}
