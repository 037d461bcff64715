package io.sluice.pipeline.program;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Why a program did not compile and where: 1-based line and column of the first and last
 * character of the offending text, and the source line holding it.
 */
public record SqlError(String message, int line, int column, int endLine, int endColumn, String snippet,
                       String errorType) {

    /** The parser rejected the text itself. */
    public static final String SYNTAX_ERROR = "Error parsing SQL";
    /** The text parsed but is not a table definition Sluice can load into. */
    public static final String COMPILATION_ERROR = "Compilation error";

    public SqlError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(snippet, "snippet");
        Objects.requireNonNull(errorType, "errorType");
    }

    public SqlError(String message, int line, int column, int endLine, int endColumn, String snippet) {
        this(message, line, column, endLine, endColumn, snippet, COMPILATION_ERROR);
    }

    /** The pipeline's {@code program_error} in the shape Feldera clients read. */
    public Map<String, Object> toProgramError() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("start_line_number", line);
        entry.put("start_column", column);
        entry.put("end_line_number", endLine);
        entry.put("end_column", endColumn);
        entry.put("warning", false);
        entry.put("error_type", errorType);
        entry.put("message", message);
        entry.put("snippet", snippet);

        Map<String, Object> sqlCompilation = new LinkedHashMap<>();
        sqlCompilation.put("exit_code", 1);
        sqlCompilation.put("messages", List.of(Collections.unmodifiableMap(entry)));

        // LinkedHashMap because the absent parts are JSON nulls, which Map.of refuses.
        Map<String, Object> programError = new LinkedHashMap<>();
        programError.put("sql_compilation", Collections.unmodifiableMap(sqlCompilation));
        programError.put("rust_compilation", null);
        programError.put("system_error", null);
        return Collections.unmodifiableMap(programError);
    }
}
