package io.sluice.pipeline.program;

import net.sf.jsqlparser.parser.Token;

/** A stretch of program text, from the first to the last character, 1-based and inclusive. */
record SourceSpan(int line, int column, int endLine, int endColumn) {

    static final SourceSpan START = new SourceSpan(1, 1, 1, 1);

    static SourceSpan of(Token token) {
        return of(token, token);
    }

    static SourceSpan of(Token first, Token last) {
        return new SourceSpan(first.beginLine, first.beginColumn, last.endLine, last.endColumn);
    }
}
