package io.sluice.pipeline.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlErrorTest {

    @Test
    void programErrorHasTheFelderaShape() {
        SqlError error = Compile.error("CREATE TABLE t (\n  a FOO\n)");
        Map<String, Object> programError = error.toProgramError();

        assertEquals(List.of("sql_compilation", "rust_compilation", "system_error"), List.copyOf(programError.keySet()));
        assertNull(programError.get("rust_compilation"));
        assertNull(programError.get("system_error"));
        Map<?, ?> sqlCompilation = (Map<?, ?>) programError.get("sql_compilation");
        assertEquals(1, sqlCompilation.get("exit_code"));
        List<?> messages = (List<?>) sqlCompilation.get("messages");
        assertEquals(1, messages.size());

        Map<String, Object> expected = new HashMap<>();
        expected.put("start_line_number", 2);
        expected.put("start_column", 5);
        expected.put("end_line_number", 2);
        expected.put("end_column", 7);
        expected.put("warning", false);
        expected.put("error_type", SqlError.COMPILATION_ERROR);
        expected.put("message", error.message());
        expected.put("snippet", "  a FOO");
        assertEquals(expected, messages.get(0));
        assertEquals(Arrays.asList("start_line_number", "start_column", "end_line_number", "end_column", "warning",
                "error_type", "message", "snippet"), List.copyOf(((Map<?, ?>) messages.get(0)).keySet()));
    }

    @Test
    void syntaxErrorsAreTypedAsParseErrors() {
        Map<?, ?> entry = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Compile.error("CREATE TABLE (").toProgramError()
                .get("sql_compilation")).get("messages")).get(0);
        assertEquals("Error parsing SQL", entry.get("error_type"));
    }

    @Test
    void shortConstructorDefaultsToACompilationError() {
        SqlError error = new SqlError("bad", 1, 2, 3, 4, "line");
        assertEquals(SqlError.COMPILATION_ERROR, error.errorType());
        assertEquals(List.of(1, 2, 3, 4), List.of(error.line(), error.column(), error.endLine(), error.endColumn()));
    }

    @Test
    void snippetIsTheWholeOffendingLine() {
        assertEquals("\tb BAR,", Compile.error("CREATE TABLE t (\n\ta INT,\n\tb BAR,\n\tc INT)").snippet());
    }

    @Test
    void snippetFollowsCarriageReturnLineEnds() {
        SqlError error = Compile.error("CREATE TABLE t (\r\n a INT,\r b BAR)");
        assertEquals(3, error.line());
        assertEquals(" b BAR)", error.snippet());
    }
}
