package io.sluice.pipeline.program;

/** The program text as lines, split the way the SQL parser counts them. */
final class SourceText {

    private static final int MAX_SNIPPET = 200;

    private final String[] lines;

    SourceText(String text) {
        // \r\n, \r and \n each end a line for JavaCC, so positions it reports index these lines.
        this.lines = text.split("\r\n|\r|\n", -1);
    }

    SqlError error(String message, SourceSpan span, String errorType) {
        return new SqlError(message, span.line(), span.column(), span.endLine(), span.endColumn(),
                snippet(span.line(), span.column()), errorType);
    }

    /** The line holding the error, cut to a window around the column when it is very long. */
    String snippet(int line, int column) {
        if (line < 1 || line > lines.length) {
            return "";
        }
        String text = lines[line - 1];
        if (text.length() <= MAX_SNIPPET) {
            return text;
        }
        int from = Math.max(0, Math.min(column - 1 - MAX_SNIPPET / 2, text.length() - MAX_SNIPPET));
        return (from > 0 ? "…" : "") + text.substring(from, from + MAX_SNIPPET)
                + (from + MAX_SNIPPET < text.length() ? "…" : "");
    }

    /** User text quoted in a message, cut so one absurd identifier cannot flood the error. */
    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
