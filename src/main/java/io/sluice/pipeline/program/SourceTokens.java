package io.sluice.pipeline.program;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserTokenManager;
import net.sf.jsqlparser.parser.SimpleCharStream;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.Token;

/**
 * The program's tokens, with positions, from JSqlParser's own lexer. JSqlParser's statement
 * objects carry no source positions, so errors found after parsing are located here instead.
 */
final class SourceTokens {

    /** The tokens of each statement, split at top-level semicolons, which are left out. */
    private final List<List<Token>> statements;

    private SourceTokens(List<Token> tokens) {
        this.statements = splitStatements(tokens);
    }

    static SourceTokens of(String text) {
        List<Token> tokens = new ArrayList<>();
        try {
            CCJSqlParserTokenManager lexer = new CCJSqlParserTokenManager(new SimpleCharStream(new StringProvider(text)));
            for (Token token = lexer.getNextToken(); token.kind != CCJSqlParserConstants.EOF; token = lexer.getNextToken()) {
                tokens.add(token);
            }
        } catch (RuntimeException lexicalError) {
            // Positions are only a courtesy; the tokens read so far still locate most errors.
        }
        return new SourceTokens(tokens);
    }

    /** The {@code index}-th statement (0-based), or the start of the text when there is none. */
    SourceSpan statement(int index) {
        return index < statements.size() ? spanOf(statements.get(index)) : SourceSpan.START;
    }

    /** The leading keywords of the first statement, e.g. "SELECT" or "CREATE VIEW", to name what was found. */
    String statementKeywords() {
        List<Token> first = statements.isEmpty() ? List.of() : statements.get(0);
        List<String> keywords = new ArrayList<>();
        for (Token token : first.subList(0, Math.min(4, first.size()))) {
            if (!isKeyword(token)) {
                break;
            }
            keywords.add(token.image.toUpperCase(Locale.ROOT));
        }
        return String.join(" ", keywords);
    }

    private static boolean isKeyword(Token token) {
        return token.kind != CCJSqlParserConstants.S_IDENTIFIER && token.kind != CCJSqlParserConstants.S_QUOTED_IDENTIFIER
                && token.image.matches("[A-Za-z_]+");
    }

    TableLayout tableLayout() {
        return TableLayout.of(statements.isEmpty() ? List.of() : statements.get(0));
    }

    private static List<List<Token>> splitStatements(List<Token> tokens) {
        List<List<Token>> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token token : tokens) {
            depth += depthChange(token);
            if (depth == 0 && token.image.equals(";")) {
                addIfNotEmpty(statements, current);
                current = new ArrayList<>();
            } else {
                current.add(token);
            }
        }
        addIfNotEmpty(statements, current);
        return statements;
    }

    private static void addIfNotEmpty(List<List<Token>> statements, List<Token> statement) {
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
    }

    static int depthChange(Token token) {
        return switch (token.image) {
            case "(" -> 1;
            case ")" -> -1;
            default -> 0;
        };
    }

    static SourceSpan spanOf(List<Token> tokens) {
        return tokens.isEmpty() ? SourceSpan.START : SourceSpan.of(tokens.get(0), tokens.get(tokens.size() - 1));
    }
}
