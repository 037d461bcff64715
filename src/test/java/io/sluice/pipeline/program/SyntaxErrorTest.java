package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.Compile.assertAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntaxErrorTest {

    @Test
    void missingCommaIsReportedAtTheOffendingTokenOfItsLine() {
        SqlError error = Compile.error("""
                CREATE TABLE orders (
                  id BIGINT PRIMARY KEY,
                  amount NUMERIC(10,2)
                  placed_at TIMESTAMP
                )""", "Syntax error at line 4, column 13: unexpected \"TIMESTAMP\"");
        assertAt(error, 4, 13, 4, 21);
        assertEquals("  placed_at TIMESTAMP", error.snippet());
        assertEquals(SqlError.SYNTAX_ERROR, error.errorType());
    }

    @Test
    void parserMessageIsOneReadableLine() {
        SqlError error = Compile.error("CREATE TABLE t (a INT LATERAL)", "unexpected \"LATERAL\"");
        assertFalse(error.message().contains("\n"), error.message());
        assertFalse(error.message().contains("inside"), error.message());
        assertTrue(error.message().length() < 200, error.message());
    }

    @Test
    void fewAlternativesAreSpelledOut() {
        Compile.error("CREATE TABLE t (a NUMERIC(10, -2))", "expected an integer");
    }

    @Test
    void missingClosingParenthesisIsAnUnexpectedEnd() {
        SqlError error = Compile.error("CREATE TABLE t (\n  a INT,\n  b TEXT\n", "unexpected end of input");
        assertEquals(3, error.line());
    }

    @Test
    void misspelledKeywordIsPointedAt() {
        assertAt(Compile.error("CRATE TABLE t (a INT)", "unexpected \"CRATE\""), 1, 1, 1, 5);
    }

    @Test
    void unterminatedStringIsALexicalError() {
        SqlError error = Compile.error("CREATE TABLE t (\n  a INT,\n  'oops\n)", "Lexical error at line 4, column 2");
        assertTrue(error.message().contains("left open"), error.message());
        assertAt(error, 4, 2, 4, 2);
        assertEquals(SqlError.SYNTAX_ERROR, error.errorType());
    }

    @Test
    void strayCharacterIsNamedByCodePoint() {
        SqlError error = Compile.error("\uFEFFCREATE TABLE t (a INT)", "unexpected character U+FEFF");
        assertAt(error, 1, 1, 1, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "~~ @@ ''", ")", ";", "CREATE", "CREATE TABLE", "CREATE TABLE t", "CREATE TABLE t (",
        "CREATE TABLE t (a)", "CREATE TABLE t (a INT,)", "CREATE TABLE t (a INT));", "CREATE TABLE t (a INT);;",
        "\u0000", "\"", "'", "/*", "CREATE TABLE t (a INT) CREATE TABLE u (b INT)"})
    void garbageFailsWithAPosition(String program) {
        SqlError error = Compile.error(program);
        assertTrue(error.line() >= 1 && error.column() >= 1, error::toString);
        assertFalse(error.message().isBlank());
    }

    @Test
    void oversizedProgramIsRejectedBeforeParsing() {
        String program = "CREATE TABLE t (a INT) -- " + "x".repeat(ProgramCompiler.MAX_LENGTH);
        assertAt(Compile.error(program, "at most 1000000 are accepted"), 1, 1, 1, 1);
    }

    @Test
    void hugeSingleLineKeepsTheSnippetShort() {
        SqlError error = Compile.error("x".repeat(500_000));
        assertTrue(error.snippet().length() <= 202, () -> "snippet of " + error.snippet().length());
        assertTrue(error.message().length() < 200, error::message);
    }

    @Test
    void deepNestingFailsInsteadOfThrowing() {
        Compile.error("(".repeat(20_000) + ")".repeat(20_000));
    }

    @Test
    void hugeIdentifierIsAbbreviatedInTheMessage() {
        SqlError error = Compile.error("CREATE TABLE t (" + "a".repeat(100_000) + " INT)", "longer than 63");
        assertTrue(error.message().length() < 200, error::message);
    }

    @Test
    void randomInputNeverThrows() {
        Random random = new Random(20240607);
        String alphabet = "CREATE TABLE t ( a INT , ) ; \" ' -- /* */ \n PRIMARY KEY NOT NULL NUMERIC ( 10 , 2 ) [ ] é \t";
        for (int i = 0; i < 200; i++) {
            StringBuilder program = new StringBuilder();
            int length = random.nextInt(60);
            for (int j = 0; j < length; j++) {
                program.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertNotNull(ProgramCompiler.compile(program.toString()), program::toString);
        }
    }

    @Test
    void truncatedValidProgramsNeverThrow() {
        String valid = """
                CREATE TABLE "Orders" ( -- comment
                  id BIGINT PRIMARY KEY, /* block */
                  amount NUMERIC(10,2) NOT NULL,
                  note VARCHAR(20) NULL,
                  CONSTRAINT pk PRIMARY KEY (id)
                );""";
        for (int end = 0; end <= valid.length(); end++) {
            assertNotNull(ProgramCompiler.compile(valid.substring(0, end)), valid.substring(0, end));
        }
    }
}
