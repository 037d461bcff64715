package io.sluice.pipeline.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Compiles test programs and states what came out. */
final class Compile {

    private Compile() {
    }

    static TableSpec ok(String programCode) {
        Compilation compilation = ProgramCompiler.compile(programCode);
        if (compilation instanceof Compilation.Failure failure) {
            fail("expected " + programCode + " to compile, got " + failure.error());
        }
        return ((Compilation.Success) compilation).table();
    }

    static SqlError error(String programCode) {
        Compilation compilation = ProgramCompiler.compile(programCode);
        assertNotNull(compilation);
        if (compilation instanceof Compilation.Success success) {
            fail("expected " + programCode + " to fail, got " + success.table());
        }
        return ((Compilation.Failure) compilation).error();
    }

    /** The failure's message holds {@code part}, ignoring case. */
    static SqlError error(String programCode, String part) {
        SqlError error = error(programCode);
        assertTrue(error.message().toLowerCase().contains(part.toLowerCase()),
                () -> "message \"" + error.message() + "\" should contain \"" + part + "\"");
        return error;
    }

    static void assertAt(SqlError error, int line, int column, int endLine, int endColumn) {
        assertEquals(line + ":" + column + "-" + endLine + ":" + endColumn,
                error.line() + ":" + error.column() + "-" + error.endLine() + ":" + error.endColumn(),
                () -> "position of: " + error.message());
    }

    static ColumnSpec column(TableSpec table, String name) {
        return table.columns().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no column " + name + " in " + table));
    }
}
