package io.sluice.pipeline.program;

import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.parser.Token;

/** The tokens of one table element: a column definition or a table constraint. */
record ElementTokens(List<Token> tokens) {

    /** Words that end a column's type and start its constraints. */
    private static final Set<String> OPTION_WORDS = Set.of("NOT", "NULL", "PRIMARY", "DEFAULT", "CHECK", "UNIQUE",
            "REFERENCES", "CONSTRAINT", "COLLATE", "GENERATED", "AUTO_INCREMENT", "COMMENT", "ARRAY");

    SourceSpan span() {
        return SourceTokens.spanOf(tokens);
    }

    SourceSpan first() {
        return tokens.isEmpty() ? SourceSpan.START : SourceSpan.of(tokens.get(0));
    }

    /** The column's type: from its second token to the last one before any constraint. */
    SourceSpan type() {
        int end = optionsStart();
        return end <= 1 ? span() : SourceTokens.spanOf(tokens.subList(1, end));
    }

    /** The column's constraints, e.g. to show a conflicting NULL / NOT NULL. */
    SourceSpan options() {
        int start = optionsStart();
        return start >= tokens.size() ? span() : SourceTokens.spanOf(tokens.subList(start, tokens.size()));
    }

    /** From the first token after the column name that reads {@code word} to the element's end. */
    SourceSpan from(String word) {
        for (int i = 1; i < tokens.size(); i++) {
            if (TableLayout.isWord(tokens.get(i), word)) {
                return SourceTokens.spanOf(tokens.subList(i, tokens.size()));
            }
        }
        return span();
    }

    /** The first identifier token naming {@code foldedName} after the element's first token. */
    SourceSpan identifier(String foldedName) {
        for (int i = 1; i < tokens.size(); i++) {
            if (Identifiers.fold(tokens.get(i).image).equals(foldedName)) {
                return SourceSpan.of(tokens.get(i));
            }
        }
        return span();
    }

    private int optionsStart() {
        for (int i = 2; i < tokens.size(); i++) {
            if (OPTION_WORDS.contains(tokens.get(i).image.toUpperCase(java.util.Locale.ROOT))) {
                return i;
            }
        }
        return tokens.size();
    }
}
