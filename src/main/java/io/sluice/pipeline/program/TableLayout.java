package io.sluice.pipeline.program;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.parser.Token;

/**
 * Where the parts of a {@code CREATE [...] TABLE name (element, ...) tail} statement stand in the
 * source: the element list matches {@code CreateTable.getTableElements()} one for one, in order.
 */
record TableLayout(List<Token> statement, List<Token> head, List<Token> name, List<ElementTokens> elements, List<Token> tail) {

    static TableLayout of(List<Token> statement) {
        int nameStart = indexAfterTableKeyword(statement);
        int nameEnd = nameStart;
        while (nameEnd < statement.size() && !isWord(statement.get(nameEnd), "(") && !isWord(statement.get(nameEnd), "AS")) {
            nameEnd++;
        }
        List<ElementTokens> elements = new ArrayList<>();
        int tailStart = nameEnd;
        if (nameEnd < statement.size() && isWord(statement.get(nameEnd), "(")) {
            tailStart = splitElements(statement, nameEnd + 1, elements);
        }
        return new TableLayout(statement, statement.subList(0, nameStart), statement.subList(nameStart, nameEnd), elements,
                statement.subList(Math.min(tailStart, statement.size()), statement.size()));
    }

    private static int indexAfterTableKeyword(List<Token> statement) {
        for (int i = 0; i < statement.size(); i++) {
            if (isWord(statement.get(i), "TABLE")) {
                boolean ifNotExists = i + 3 < statement.size() && isWord(statement.get(i + 1), "IF")
                        && isWord(statement.get(i + 2), "NOT") && isWord(statement.get(i + 3), "EXISTS");
                return i + (ifNotExists ? 4 : 1);
            }
        }
        return 0;
    }

    /** Splits at top-level commas up to the closing parenthesis; returns the index after it. */
    private static int splitElements(List<Token> statement, int from, List<ElementTokens> elements) {
        int depth = 0;
        int start = from;
        for (int i = from; i < statement.size(); i++) {
            Token token = statement.get(i);
            depth += SourceTokens.depthChange(token);
            if (depth < 0 || depth == 0 && token.image.equals(",")) {
                if (i > start) {
                    elements.add(new ElementTokens(statement.subList(start, i)));
                }
                start = i + 1;
                if (depth < 0) {
                    return i + 1;
                }
            }
        }
        return statement.size();
    }

    static boolean isWord(Token token, String word) {
        return token.image.equalsIgnoreCase(word);
    }

    SourceSpan statementSpan() {
        return SourceTokens.spanOf(statement);
    }

    /** CREATE ... TABLE [IF NOT EXISTS]. */
    SourceSpan headSpan() {
        return head.isEmpty() ? statementSpan() : SourceTokens.spanOf(head);
    }

    SourceSpan nameSpan() {
        return name.isEmpty() ? statementSpan() : SourceTokens.spanOf(name);
    }

    /** What follows the element list (WITH options, PARTITION BY, AS SELECT...), else the statement. */
    SourceSpan tailSpan() {
        return tail.isEmpty() ? statementSpan() : SourceTokens.spanOf(tail);
    }

    /** The tokens of the {@code index}-th of {@code count} table elements; the whole statement if the split disagrees. */
    ElementTokens element(int index, int count) {
        return elements.size() == count ? elements.get(index) : new ElementTokens(statement);
    }
}
