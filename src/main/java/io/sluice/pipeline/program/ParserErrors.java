package io.sluice.pipeline.program;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;

/**
 * Rewrites JSqlParser's failures into one readable line with a position: its own messages carry
 * grammar-internal token names and a list of every terminal the grammar would have accepted.
 */
final class ParserErrors {

    private static final Pattern LEXICAL_POSITION = Pattern.compile("line (\\d{1,9}), column (\\d{1,9})");
    private static final Pattern LEXICAL_CHARACTER = Pattern.compile("Encountered: \".*?\" \\((\\d{1,7})\\)");
    private static final Map<String, String> READABLE_TERMINALS = Map.of(
            "<OPENING_BRACKET>", "\"(\"",
            "<CLOSING_BRACKET>", "\")\"",
            "<ST_SEMICOLON>", "\";\"",
            "<EOF>", "end of input",
            "<S_IDENTIFIER>", "a name",
            "<S_QUOTED_IDENTIFIER>", "a name",
            "<S_LONG>", "an integer");
    private static final int MAX_EXPECTED = 4;

    private ParserErrors() {
    }

    static SqlError toSqlError(JSQLParserException exception, SourceText text) {
        ParseException parse = cause(exception, ParseException.class);
        if (parse != null && parse.currentToken != null && parse.currentToken.next != null) {
            return unexpectedToken(parse, parse.currentToken.next, text);
        }
        TokenMgrException lexical = cause(exception, TokenMgrException.class);
        if (lexical != null) {
            return lexicalError(lexical, text);
        }
        if (cause(exception, TimeoutException.class) != null) {
            return text.error("the SQL parser gave up on this program after " + ProgramCompiler.PARSE_TIMEOUT_MILLIS / 1000
                    + " seconds; simplify it", SourceSpan.START, SqlError.SYNTAX_ERROR);
        }
        if (cause(exception, StackOverflowError.class) != null) {
            return text.error("the program nests too deeply for the SQL parser", SourceSpan.START, SqlError.SYNTAX_ERROR);
        }
        if (cause(exception, InterruptedException.class) != null) {
            Thread.currentThread().interrupt();
        }
        return text.error("invalid SQL: " + SourceText.abbreviate(String.valueOf(rootCause(exception).getMessage()), 200),
                SourceSpan.START, SqlError.SYNTAX_ERROR);
    }

    private static SqlError unexpectedToken(ParseException parse, Token token, SourceText text) {
        String found = token.kind == CCJSqlParserConstants.EOF
                ? "end of input"
                : "\"" + SourceText.abbreviate(token.image, 40) + "\"";
        String message = "Syntax error at line " + token.beginLine + ", column " + token.beginColumn + ": unexpected "
                + found + expected(parse);
        return text.error(message, SourceSpan.of(token), SqlError.SYNTAX_ERROR);
    }

    /** The few things the parser would have accepted instead, when they can be said plainly. */
    private static String expected(ParseException parse) {
        if (parse.expectedTokenSequences == null || parse.tokenImage == null) {
            return "";
        }
        Set<String> terminals = new LinkedHashSet<>();
        for (int[] sequence : parse.expectedTokenSequences) {
            String readable = sequence.length == 0 || sequence[0] >= parse.tokenImage.length
                    ? null : readable(parse.tokenImage[sequence[0]]);
            if (readable == null) {
                return "";
            }
            terminals.add(readable);
        }
        return terminals.isEmpty() || terminals.size() > MAX_EXPECTED ? "" : "; expected " + String.join(" or ", terminals);
    }

    private static String readable(String image) {
        if (image.startsWith("\"")) {
            return image;
        }
        if (image.startsWith("<K_") && image.endsWith(">")) {
            return image.substring(3, image.length() - 1);
        }
        return READABLE_TERMINALS.get(image);
    }

    private static SqlError lexicalError(TokenMgrException lexical, SourceText text) {
        String message = String.valueOf(lexical.getMessage());
        Matcher position = LEXICAL_POSITION.matcher(message);
        SourceSpan span = SourceSpan.START;
        if (position.find()) {
            int line = Integer.parseInt(position.group(1));
            int column = Integer.parseInt(position.group(2));
            span = new SourceSpan(line, column, line, column);
        }
        Matcher character = LEXICAL_CHARACTER.matcher(message);
        String reason = character.find()
                ? String.format("unexpected character U+%04X", Integer.parseInt(character.group(1)))
                : "unexpected end of input; is a string, quoted name or comment left open?";
        return text.error("Lexical error at line " + span.line() + ", column " + span.column() + ": " + reason, span,
                SqlError.SYNTAX_ERROR);
    }

    private static <T extends Throwable> T cause(Throwable thrown, Class<T> type) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
