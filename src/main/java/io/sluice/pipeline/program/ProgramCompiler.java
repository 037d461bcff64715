package io.sluice.pipeline.program;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.create.table.CreateTable;

/**
 * Compiles a pipeline's {@code program_code}, one {@code CREATE TABLE} for the target table,
 * into a {@link TableSpec}. Every problem with the text, whatever it is, comes back as a
 * {@link Compilation.Failure} with a position; nothing is thrown.
 */
public final class ProgramCompiler {

    /** Far above any real table (1600 columns fit in ~200 kB) and small enough to parse quickly. */
    static final int MAX_LENGTH = 1_000_000;
    static final long PARSE_TIMEOUT_MILLIS = 5_000;

    private static final String EXPECTED = "expected one CREATE TABLE statement";

    // JSqlParser parses on an executor to enforce its timeout; daemon threads never hold up shutdown.
    private static final ExecutorService PARSER_THREADS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sluice-sql-parser");
        thread.setDaemon(true);
        return thread;
    });

    private ProgramCompiler() {
    }

    public static Compilation compile(String programCode) {
        String code = programCode == null ? "" : programCode;
        SourceText text = new SourceText(code);
        try {
            return compile(code, text);
        } catch (CompileError error) {
            return new Compilation.Failure(error.toSqlError(text));
        } catch (RuntimeException | StackOverflowError bug) {
            // A defect in the compiler or the parser must still end as a program error, never as a 500.
            return new Compilation.Failure(text.error("internal error while compiling the program ("
                    + bug.getClass().getSimpleName() + ")", SourceSpan.START, SqlError.COMPILATION_ERROR));
        }
    }

    private static Compilation compile(String code, SourceText text) {
        if (code.length() > MAX_LENGTH) {
            throw new CompileError("program_code is " + code.length() + " characters long; at most " + MAX_LENGTH
                    + " are accepted", SourceSpan.START);
        }
        if (code.isBlank()) {
            throw new CompileError("program_code is empty; " + EXPECTED, SourceSpan.START);
        }
        List<Statement> statements;
        try {
            statements = parse(code);
        } catch (JSQLParserException e) {
            return new Compilation.Failure(ParserErrors.toSqlError(e, text));
        }
        SourceTokens tokens = SourceTokens.of(code);
        return new Compilation.Success(CreateTableReader.read(onlyCreateTable(statements, tokens), tokens.tableLayout()));
    }

    private static List<Statement> parse(String code) throws JSQLParserException {
        Statements statements = CCJSqlParserUtil.parseStatements(code, PARSER_THREADS,
                parser -> parser.withTimeOut(PARSE_TIMEOUT_MILLIS));
        return statements == null ? List.of() : statements;
    }

    private static CreateTable onlyCreateTable(List<Statement> statements, SourceTokens tokens) {
        if (statements.isEmpty()) {
            throw new CompileError("program_code holds no SQL statement; " + EXPECTED, SourceSpan.START);
        }
        if (statements.size() > 1) {
            throw new CompileError("program_code holds " + statements.size() + " statements; " + EXPECTED,
                    tokens.statement(1));
        }
        Statement only = statements.get(0);
        if (only instanceof CreateTable createTable) {
            return createTable;
        }
        String keywords = tokens.statementKeywords();
        if (only instanceof UnsupportedStatement && keywords.startsWith("CREATE") && keywords.contains("TABLE")) {
            // JSqlParser gives up on CREATE TABLE without an error when the words after TABLE cannot start one.
            throw new CompileError("Syntax error: CREATE TABLE must be followed by a table name and a column list",
                    tokens.tableLayout().nameSpan(), SqlError.SYNTAX_ERROR);
        }
        String found = keywords.isEmpty() ? "a statement that is not a CREATE TABLE" : "a statement starting with " + keywords;
        throw new CompileError("found " + found + "; " + EXPECTED, tokens.statement(0));
    }
}
